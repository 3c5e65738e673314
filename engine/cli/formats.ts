import { BatchscopeError } from '../errors';
import type { ModelConfig } from '../model/config';
import { ATTENTION_PATHS, KV_DTYPES, SIM_WEIGHT_DTYPES, WEIGHT_DTYPES, kvBytesPerToken, type AttentionPath, type KvDtype, type WeightDtype } from '../model/quant/formats';
import { LIMITS } from '../limits';
import { numberFlag, oneOf } from './args';

/** Flags that choose number formats and the KV budget in bytes (run, bench, generate, eval). */
export const FORMAT_FLAGS = {
  weights: { type: 'string' },
  'kv-dtype': { type: 'string' },
  attention: { type: 'string' },
  'kv-memory-mib': { type: 'string' },
} as const;

export const FORMAT_OPTIONS_HELP = `  --weights W             matmul weights: f32 or int8 (Q8_0: groups of 32, one fp16 scale each);
                          sim: f16 (default) or int8
  --kv-dtype D            KV cache: f32, f16 or int8 (one fp16 scale per head vector per position);
                          default f32 (sim: f16)
  --attention A           fused (online softmax, no score matrix in memory; default) or unfused
                          (scores written to memory, softmaxed, times V); unfused runs on webgpu and sim
  --kv-memory-mib M       KV pool as a memory budget in MiB instead of --kv-capacity: the tokens it
                          holds follow --kv-dtype`;

export interface FormatChoice {
  weights: WeightDtype;
  kv: KvDtype;
  attention: AttentionPath;
  /** Budget in bytes, when --kv-memory-mib was given. */
  kvBytes?: number;
}

type FormatValues = Partial<Record<keyof typeof FORMAT_FLAGS, string>>;

/** Reads the format flags for a backend kind ('sim' defaults to fp16 and offers f16/int8 weights). */
export function formatFlags(values: FormatValues, kind: string): FormatChoice {
  const sim = kind === 'sim';
  const weights = sim ? oneOf(values.weights, 'weights', SIM_WEIGHT_DTYPES, 'f16') : oneOf(values.weights, 'weights', WEIGHT_DTYPES, 'f32');
  const kv = oneOf(values['kv-dtype'], 'kv-dtype', KV_DTYPES, sim ? 'f16' : 'f32');
  const attention = oneOf(values.attention, 'attention', ATTENTION_PATHS, 'fused');
  if (attention === 'unfused' && kind === 'cpu') {
    throw new BatchscopeError('bad-argument', "--attention unfused runs on --backend webgpu or sim: the CPU engine's attention keeps one token's scores in cache, so it has no score matrix to write");
  }
  const mib = values['kv-memory-mib'] === undefined ? undefined : numberFlag(values['kv-memory-mib'], 'kv-memory-mib', 0, 1 / 1024, LIMITS.kvMemoryMib);
  return { weights, kv, attention, ...(mib !== undefined ? { kvBytes: Math.floor(mib * 2 ** 20) } : {}) };
}

/** Whole blocks of positions a byte budget holds for a model in a KV format; refuses a budget below one block. */
export function capacityForBudget(c: ModelConfig, f: FormatChoice, blockSize: number): number {
  const perBlock = kvBytesPerToken(c, f.kv) * blockSize;
  const blocks = Math.floor((f.kvBytes ?? 0) / perBlock);
  if (blocks < 1) {
    throw new BatchscopeError('bad-argument', `--kv-memory-mib ${((f.kvBytes ?? 0) / 2 ** 20).toFixed(3)} holds no block: one block of ${blockSize} positions takes ${perBlock} bytes in ${f.kv}`);
  }
  return blocks * blockSize;
}
