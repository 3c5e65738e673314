import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CpuBackend } from '../backend/cpu';
import { BatchscopeError } from '../errors';
import { agreementWithF32, type Agreement } from '../eval/agreement';
import { evalTasks, promptFromParams, TASK_KEYS, type BackendFactory, type ModelMeta, type TaskScore } from '../eval/task-eval';
import type { ModelTaskId } from '../model/tasks';
import { STORY_OPENINGS } from '../serve/prompts';
import { oneOf, parseFlags } from './args';
import { BACKEND_CHOICES, createBackend } from './backends';
import { defaultModelPath, defaultTokenizerPath, loadModelFiles } from './files';
import { FORMAT_FLAGS, formatFlags, type FormatChoice } from './formats';
import type { Io } from './io';

export const EVAL_HELP = `Usage: batchscope eval [--weights f32|int8] [--kv-dtype f32|f16|int8] [--json]

What a number format costs in quality. With the built-in model: its held-out tasks (every capital,
held-out count-down starts, count-from, repeat, list-capitals), answered greedily; correct means
the exact answer, then EOS. With any model: the largest logit difference from float32 and how
often the greedy token agrees, on the same sequences (float32's own greedy continuations of a set
of prompts, read back by both). Exits 1 when the built-in model misses its targets (capitals 50/50,
count-down >= 95%).

Options:
  --weights W        f32 (default) or int8 (Q8_0)
  --kv-dtype D       f32 (default), f16 or int8
  --attention A      fused (default) or unfused (webgpu only)
  --backend B        cpu (default) or webgpu (falls back to cpu)
  --model FILE       llama2.c checkpoint (default: the built-in model); tasks need its .json beside it
  --tokenizer FILE   llama2.c tokenizer (default: the built-in model's)
  --json             print one JSON object: {"capital": {"correct", "total"}, "countDown": ..., "vsF32": ...}
  --debug            print stack traces on errors`;

export interface EvalReport {
  model: string;
  weights: string;
  kvDtype: string;
  attention: string;
  /** Per task (built-in model only): correct and total. */
  tasks: Record<string, TaskScore>;
  vsF32: Agreement;
  /** Built-in model only: capitals 50/50 and count-down >= 95%. */
  targetsMet: boolean | null;
}

/** The model's metadata beside its checkpoint (batchscope-tiny.json), when it lists eval prompts. */
function metaFor(modelPath: string): ModelMeta | null {
  const path = modelPath.replace(/\.bin$/, '.json');
  if (path === modelPath || !existsSync(path)) return null;
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as ModelMeta;
    return meta.eval_prompts ? meta : null;
  } catch {
    return null;
  }
}

/** Prompts for the float32 comparison: a slice of every task for the built-in model, story openings otherwise. */
function comparisonPrompts(meta: ModelMeta | null): string[] {
  if (!meta) return [...STORY_OPENINGS];
  return (Object.keys(TASK_KEYS) as ModelTaskId[]).flatMap((t) => (meta.eval_prompts[t] ?? []).slice(0, t === 'list_capitals' ? 3 : 8).map((p) => promptFromParams(t, p).prompt));
}

export async function evalCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(
    argv,
    { model: { type: 'string' }, tokenizer: { type: 'string' }, backend: { type: 'string' }, weights: FORMAT_FLAGS.weights, 'kv-dtype': FORMAT_FLAGS['kv-dtype'], attention: FORMAT_FLAGS.attention, json: { type: 'boolean' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    'eval',
  );
  if (values.help) {
    io.out(EVAL_HELP + '\n');
    return 0;
  }
  const kind = oneOf(values.backend, 'backend', BACKEND_CHOICES, 'cpu');
  const f: FormatChoice = formatFlags(values, kind);
  const modelPath = values.model ?? defaultModelPath;
  const { model, tokenizer } = loadModelFiles(modelPath, values.tokenizer ?? defaultTokenizerPath);
  const meta = metaFor(modelPath);
  let said = false;
  const notice = (line: string) => {
    if (!said) io.err(line + '\n');
    said = true;
  };
  const candidate: BackendFactory = (numBlocks, blockSize) => createBackend(kind, model, { numBlocks, blockSize, dtype: f.kv }, notice, undefined, f);
  const reference: BackendFactory = async (numBlocks, blockSize) => new CpuBackend(model, { numBlocks, blockSize });
  const tasks = meta ? await evalTasks(candidate, model, tokenizer, meta) : {};
  const prompts = comparisonPrompts(meta).map((p) => tokenizer.encode(p, { bos: true }));
  if (prompts.some((p) => p.length >= model.config.seqLen)) throw new BatchscopeError('prompt-too-long', `an evaluation prompt does not fit ${basename(modelPath)}'s seq_len ${model.config.seqLen}`);
  const vsF32 = await agreementWithF32(reference, candidate, prompts, Math.min(model.config.seqLen, meta ? 512 : 160), model.config.vocabSize);
  const cap = tasks.capital;
  const cd = tasks.countDown;
  const targetsMet = meta && cap && cd ? cap.correct === cap.total && cd.correct >= 0.95 * cd.total : null;
  const report: EvalReport = {
    model: basename(modelPath).replace(/\.bin$/, ''),
    weights: f.weights,
    kvDtype: f.kv,
    attention: f.attention,
    tasks: Object.fromEntries(Object.entries(tasks).map(([k, v]) => [k, { correct: v.correct, total: v.total }])),
    vsF32,
    targetsMet,
  };
  if (values.json) {
    const { tasks: byTask, ...rest } = report;
    io.out(JSON.stringify({ ...byTask, ...rest }) + '\n');
  } else {
    io.out(`${report.model}: weights ${f.weights}, KV ${f.kv}, ${f.attention} attention\n`);
    for (const [name, t] of Object.entries(tasks)) {
      io.out(`  ${name.padEnd(13)} ${String(t.correct).padStart(4)}/${String(t.total).padEnd(4)} (${((100 * t.correct) / Math.max(1, t.total)).toFixed(1)}%)\n`);
      for (const m of t.missed.slice(0, 2)) io.out(`      missed ${JSON.stringify(m.prompt)}: got ${JSON.stringify(m.generated.slice(0, 80))}\n`);
    }
    io.out(`  vs f32: max logit difference ${vsF32.maxLogitDiff.toExponential(2)}, greedy agreement ${(100 * vsF32.greedyAgreement).toFixed(2)}% of ${vsF32.positions} positions, ${vsF32.identicalGenerations}/${vsF32.prompts} generations identical\n`);
    if (targetsMet !== null) io.out(targetsMet ? '  targets met: capitals 50/50, count-down >= 95%\n' : '  TARGETS MISSED (capitals 50/50, count-down >= 95%)\n');
  }
  return targetsMet === false ? 1 : 0;
}
