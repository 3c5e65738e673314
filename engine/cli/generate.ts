import { BatchscopeError } from '../errors';
import { StreamDecoder } from '../model/tokenizer';
import type { SamplingParams } from '../model/sampler';
import { blocksFor, generateAll, type GenerateRequest, type GenerateTiming } from '../serve/generate';
import { MAX_SEED, intFlag, numberFlag, oneOf, parseFlags } from './args';
import { BACKEND_CHOICES, CPU_KERNELS_HELP, CPU_KERNEL_CHOICES, createBackend } from './backends';
import { LIMITS } from '../limits';
import { BUILT_IN_NAMES, loadModelFiles, readTextFile } from './files';
import type { Io } from './io';

export const GENERATE_HELP = `Usage: batchscope generate --prompt TEXT [options]

Generates text with a llama2.c model. One --prompt prints the prompt and its continuation, as
llama2.c's run does. Several --prompt flags, or --prompts FILE (one prompt per line, blank lines
skipped), are served together, one ragged forward pass per iteration, and print one JSON line per
prompt in input order (--prompts always prints JSON lines, even for a file of one prompt).

Options:
  --model NAME|FILE    a built-in model (${BUILT_IN_NAMES}; default batchscope-tiny) or a llama2.c checkpoint
  --tokenizer FILE     llama2.c tokenizer (default: the built-in model's)
  --prompt TEXT        a prompt (repeatable)
  --prompts FILE       prompts, one per line
  --steps N            positions to run, the prompt's included (default 256, at most seq_len)
  --temperature T      0 = greedy (default 0)
  --top-p P            nucleus sampling threshold; 0 or 1 disables it, as in llama2.c (default 0.9)
  --seed S             sampling seed, 0..2^32-1; every prompt uses it, so batched = alone (default 42)
  --backend NAME       where the model runs: cpu, or webgpu (falls back to cpu) (default cpu)
  --block-size N       KV-cache block size in positions, at most seq_len (default 16)
  --cpu-kernels K      ${CPU_KERNELS_HELP}
  --debug              print stack traces on errors`;

export async function generateCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      model: { type: 'string' },
      tokenizer: { type: 'string' },
      prompt: { type: 'string', multiple: true },
      prompts: { type: 'string' },
      steps: { type: 'string' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      'block-size': { type: 'string' },
      'cpu-kernels': { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'generate',
  );
  if (values.help) {
    io.out(GENERATE_HELP + '\n');
    return 0;
  }
  const prompts = [...(values.prompt ?? [])];
  if (values.prompts !== undefined) {
    const lines = readTextFile(values.prompts, 'prompts').split(/\r?\n/).filter((l) => l.length > 0);
    if (lines.length === 0) throw new BatchscopeError('bad-argument', `prompts file ${values.prompts} holds no prompt (one per line)`);
    for (const l of lines) prompts.push(l);
  }
  if (prompts.length === 0) throw new BatchscopeError('bad-argument', 'give at least one --prompt TEXT or --prompts FILE');
  if (prompts.length > LIMITS.promptsPerFile) throw new BatchscopeError('bad-argument', `${prompts.length} prompts given; at most ${LIMITS.promptsPerFile} per run`);
  const temperature = numberFlag(values.temperature, 'temperature', 0, 0, 100);
  const topP = numberFlag(values['top-p'], 'top-p', 0.9, 0, 1);
  const seed = intFlag(values.seed, 'seed', 42, 0, MAX_SEED);
  const backendKind = oneOf(values.backend, 'backend', BACKEND_CHOICES, 'cpu');
  const cpuKernels = values['cpu-kernels'] === undefined ? undefined : oneOf(values['cpu-kernels'], 'cpu-kernels', CPU_KERNEL_CHOICES, 'wasm');

  const { model, tokenizer } = loadModelFiles(values.model, values.tokenizer);
  const seqLen = model.config.seqLen;
  const blockSize = intFlag(values['block-size'], 'block-size', 16, 1, seqLen);
  const steps = Math.min(intFlag(values.steps, 'steps', 256, 1), seqLen);
  const stepsFlag = values.steps === undefined ? `--steps ${steps} (the default)` : `--steps ${steps}`;
  const sampling: SamplingParams = { temperature, topP, seed };
  const requests: GenerateRequest[] = prompts.map((p, i) => {
    const where = prompts.length > 1 ? `prompt ${i + 1}` : 'the prompt';
    // Encoding is quadratic in the text; a token holds at most maxTokenLength bytes, so longer text cannot fit.
    const bytes = new TextEncoder().encode(p).length;
    if (bytes > Math.min(LIMITS.promptBytes, seqLen * tokenizer.maxTokenLength)) throw new BatchscopeError('prompt-too-long', `${where} is ${bytes} bytes of text; at most ${Math.min(LIMITS.promptBytes, seqLen * tokenizer.maxTokenLength)} can fit the model's seq_len ${seqLen}`);
    const ids = tokenizer.encode(p);
    if (ids.length > seqLen) throw new BatchscopeError('prompt-too-long', `${where} is ${ids.length} tokens, longer than the model's seq_len ${seqLen}`);
    if (ids.length > steps) throw new BatchscopeError('bad-argument', `${stepsFlag} is below the length of ${where} (${ids.length} tokens, BOS included)`);
    return { prompt: ids, steps, sampling };
  });

  const numBlocks = requests.reduce((n, r) => n + blocksFor(r.steps, blockSize), 0);
  const backend = await createBackend(backendKind, model, { numBlocks, blockSize }, (line) => io.err(line + '\n'), cpuKernels);
  const timing: GenerateTiming = { prefillTokens: 0, prefillMs: 0, decodeTokens: 0, decodeMs: 0 };
  try {
    // A prompts file always gets JSON lines, so a script reading them need not care how many it held.
    if (requests.length === 1 && values.prompts === undefined) {
      // Stream like llama2.c: the prompt first, then each token as it is sampled.
      const decoder = new StreamDecoder(tokenizer);
      const prompt = requests[0].prompt;
      let prev = prompt[0];
      let text = '';
      for (const t of prompt.slice(1)) {
        text += decoder.push(prev, t);
        prev = t;
      }
      io.out(text);
      await generateAll(
        backend,
        requests,
        (_, token) => {
          io.out(decoder.push(prev, token));
          prev = token;
        },
        timing,
      );
      io.out(decoder.flush() + '\n');
    } else {
      const results = await generateAll(backend, requests, undefined, timing);
      results.forEach((r, i) => {
        const ids = requests[i].prompt;
        io.out(JSON.stringify({ prompt: prompts[i], text: tokenizer.decode([...ids.slice(1), ...r.tokens], ids[0]), tokens: r.tokens, promptTokens: ids.length, stop: r.stop }) + '\n');
      });
    }
    report(io, timing, backend.description);
  } finally {
    backend.dispose();
  }
  return 0;
}

/**
 * Speed as llama2.c's run reports it, so the two compare: decode tokens/s timed from the end of the
 * first forward pass, apart from the prefill (which run.c does one token at a time inside that
 * figure; here the first step runs every prompt at once).
 */
function report(io: Io, t: GenerateTiming, engine: string): void {
  const rate = (tokens: number, ms: number) => (ms > 0 ? (tokens / (ms / 1000)).toFixed(1) : 'n/a');
  io.err(`prefill: ${t.prefillTokens} tokens in ${t.prefillMs.toFixed(1)} ms (${rate(t.prefillTokens, t.prefillMs)} tok/s), first token sampled\n`);
  if (t.decodeTokens > 0) io.err(`achieved tok/s: ${rate(t.decodeTokens, t.decodeMs)} (decode: ${t.decodeTokens} tokens in ${(t.decodeMs / 1000).toFixed(3)} s, timed from the end of the first forward pass as llama2.c's run does)\n`);
  else io.err('achieved tok/s: n/a (nothing decoded after the first forward pass)\n');
  io.err(`engine: ${engine}\n`);
}
