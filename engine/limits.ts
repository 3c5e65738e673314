/**
 * Every limit on what batchscope reads, in one place. Input is checked against these before
 * anything sized by it is allocated, so an absurd number in a file is a one-line error, not an
 * out-of-memory crash minutes later. docs/architecture.md lists them (a test keeps the two in step).
 *
 * A new input field or command takes its bound from here and checks it with the helpers in
 * `engine/input.ts`; a new file kind adds its size to FILE_BYTES.
 */

const MiB = 1024 * 1024;

export const LIMITS = {
  /** Requests in one workload (a file, or a preset with --requests). */
  requestsPerWorkload: 100_000,
  /** Prompt tokens summed over a workload: each one is an array entry, several times over. */
  promptTokensPerWorkload: 64_000_000,
  /** Tokens in one prompt, and new tokens one request may ask for (the largest seq_len a checkpoint may declare). */
  tokensPerRequest: 1 << 20,
  /** UTF-8 bytes of one text prompt: encoding is quadratic in it (as in llama2.c). */
  promptBytes: 64 * 1024,
  /** Prompts given on the command line or in a --prompts file. */
  promptsPerFile: 100_000,
  /** Arrival time of a request (ms, about 31 years): beyond it float64 ms lose sub-microsecond precision. */
  arrivalMs: 1e12,
  /** Batch slots (max_num_seqs): every iteration records every slot. */
  batchSlots: 4096,
  /** Sampling seeds are hashed as u32 (engine/model/rng.ts): a larger one would alias a smaller one. */
  seed: 2 ** 32 - 1,
  /** Sampling temperature. */
  temperature: 100,
  /** A KV pool given as a budget in MiB (--kv-memory-mib): beyond any one machine's memory. */
  kvMemoryMib: 1 << 20,
  /** Completions one request may ask for (parallel sampling's n); each also takes a batch slot. */
  completions: 64,
} as const;

/** Largest file read, per kind, in bytes: checked before a byte is read. */
export const FILE_BYTES = {
  /** Node reads at most 2 GiB into one buffer. */
  checkpoint: 2048 * MiB - 1,
  tokenizer: 64 * MiB,
  prompts: 64 * MiB,
  workload: 256 * MiB,
  /** A V8 string holds at most ~512 Mi characters. */
  trace: 256 * MiB,
} as const;

export type FileKind = keyof typeof FILE_BYTES;

/** Bounds on a llama2.c checkpoint header: anything beyond them is a corrupt file, not a model we could run. */
export const CHECKPOINT_HEADER = { dim: 1 << 14, hiddenDim: 1 << 16, nLayers: 256, nHeads: 1024, vocabSize: 1 << 20, seqLen: LIMITS.tokensPerRequest } as const;

/** A byte count as people read it: "64 MiB", "1.5 GiB", "900 bytes". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let x = n / 1024;
  let u = 0;
  while (x >= 1024 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return `${Number.isInteger(Math.round(x * 10) / 10) ? Math.round(x) : x.toFixed(1)} ${units[u]}`;
}
