/**
 * Greedy evaluation of the built-in model with the TypeScript CPU engine: the same prompts and verdicts
 * as tools/train/evaluate.py (exact = the answer's tokens then EOS; eos_at_end = EOS right after
 * len(answer) tokens; no_eos = never stopped). Generation stops at EOS, so nothing follows it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CpuBackend } from '../../engine/backend/cpu';
import { readCheckpoint } from '../../engine/model/checkpoint';
import { BUILT_IN_MODELS, builtInModel } from '../../engine/model/builtin';
import { GREEDY } from '../../engine/model/sampler';
import type { ModelTaskId, TaskPrompt } from '../../engine/model/tasks';
import { readTokenizer, type Tokenizer } from '../../engine/model/tokenizer';
import type { Model } from '../../engine/model/weights';
import { ServingEngine } from '../../engine/serve/engine';
import { blocksFor } from '../../engine/serve/generate';
import type { Request } from '../../engine/serve/request';
import { serveToEnd } from '../../engine/serve/serve-run';

export const MODELS_DIR = resolve(import.meta.dirname, '../../public/models');

export interface LoadedModel {
  model: Model;
  tokenizer: Tokenizer;
  /** public/models/batchscope-tiny.json */
  meta: { eval_prompts: Record<ModelTaskId, (string | number)[][]>; heldout: { count_down: number[] } };
}

/** A built-in model (engine/model/builtin.ts) with its metadata, NAME.json beside its checkpoint. */
export function loadBuiltinModel(dir = MODELS_DIR, name = 'batchscope-tiny'): LoadedModel {
  const m = builtInModel(name);
  if (!m) throw new Error(`no built-in model ${name} (one of ${BUILT_IN_MODELS.map((b) => b.name).join(', ')})`);
  const model = readCheckpoint(new Uint8Array(readFileSync(resolve(dir, m.checkpoint))), m.checkpoint);
  const tokenizer = readTokenizer(new Uint8Array(readFileSync(resolve(dir, m.tokenizer))), model.config.vocabSize);
  const meta = JSON.parse(readFileSync(resolve(dir, m.checkpoint.replace(/\.bin$/, '.json')), 'utf8'));
  return { model, tokenizer, meta };
}

/** A prompt from the parameters batchscope-tiny.json lists for a task: one definition, shared with `batchscope eval`. */
export { promptFromParams } from '../../engine/eval/task-eval';

export interface ItemResult {
  prompt: string;
  answer: string;
  generated: string;
  exact: boolean;
  eosAtEnd: boolean;
  noEos: boolean;
}

export interface TaskSummary {
  n: number;
  exact: number;
  eosAtEnd: number;
  noEos: number;
}

/**
 * Greedy answers for a batch of prompts, `batch` requests at a time, served by the serving engine
 * with prefix caching: the first prompt of a batch runs alone, so the others find a preamble they
 * share with it already cached (the answers are the same either way; only the time differs).
 */
export async function runPrompts(lm: LoadedModel, prompts: readonly TaskPrompt[], batch = 64, slack = 16): Promise<ItemResult[]> {
  const { model, tokenizer } = lm;
  const out: ItemResult[] = [];
  const blockSize = 16;
  for (let i = 0; i < prompts.length; i += batch) {
    const chunk = prompts.slice(i, i + batch);
    const requests: Request[] = chunk.map((p, id) => {
      const prompt = tokenizer.encode(p.prompt, { bos: true });
      // the answer, its EOS, and `slack` more to see a model that runs on
      const maxNewTokens = Math.min(model.config.seqLen - prompt.length + 1, p.newTokens + slack);
      return { id, prompt, maxNewTokens, expectedNewTokens: Math.min(maxNewTokens, p.newTokens), sampling: GREEDY, arrivalMs: id === 0 ? 0 : 1e-6 };
    });
    const numBlocks = requests.reduce((n, r) => n + blocksFor(r.prompt.length + r.maxNewTokens, blockSize), 0);
    const budget = requests.reduce((n, r) => n + r.prompt.length + r.maxNewTokens, 0);
    const backend = new CpuBackend(model, { numBlocks, blockSize });
    const engine = new ServingEngine({ backend, requests, prefixCaching: true, knobs: { maxNumSeqs: batch, maxNumBatchedTokens: budget } });
    await serveToEnd(engine);
    backend.dispose();
    engine.records().forEach((r, k) => {
      const p = chunk[k];
      const prev = requests[k].prompt[requests[k].prompt.length - 1];
      const stopped = r.finishReason === 'eos';
      const tokens = stopped ? r.output.slice(0, -1) : r.output;
      const generated = tokenizer.decode(tokens, prev);
      out.push({
        prompt: p.prompt,
        answer: p.answer,
        generated,
        exact: stopped && tokens.length === p.answerTokens && generated === p.answer,
        eosAtEnd: stopped && tokens.length === p.answerTokens,
        noEos: !stopped,
      });
    });
  }
  return out;
}

export function summarize(items: readonly ItemResult[]): TaskSummary {
  return {
    n: items.length,
    exact: items.filter((r) => r.exact).length,
    eosAtEnd: items.filter((r) => r.eosAtEnd).length,
    noEos: items.filter((r) => r.noEos).length,
  };
}
