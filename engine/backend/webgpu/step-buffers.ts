import { kvDim, type ModelConfig } from '../../model/config';
import { DEFAULT_FORMATS, type NumberFormats } from '../../model/quant/formats';

/** How much one step may hold before its buffers must grow. */
export interface StepSize {
  tokens: number;
  /** Block table entries of all sequences together. */
  tables: number;
  /** Logits rows. */
  rows: number;
  samples: number;
}

const FIELDS = ['tokens', 'tables', 'rows', 'samples'] as const;
/** Room for a typical decode batch from the start. */
const INITIAL: StepSize = { tokens: 64, tables: 256, rows: 16, samples: 16 };

/** Staging layout: [timestamps (2 x u64) | sampled ids (S x u32) | logits (R x vocab x f32)]. */
export const STAGING_SAMPLED = 16;
export const stagingLogits = (samples: number): number => STAGING_SAMPLED + 4 * samples;

/**
 * The buffers whose size depends on the step: activations, the step's metadata, and the staging
 * buffer for readback. They are created for a capacity and grown (at least doubling) only when a
 * step exceeds it, so steady-state steps allocate nothing; `allocations` counts every buffer made.
 */
export class StepBuffers {
  allocations = 0;
  size: StepSize = { tokens: 0, tables: 0, rows: 0, samples: 0 };
  step!: GPUBuffer; // Step uniform {tokens, rows}
  tokens!: GPUBuffer; // (T) TokenInfo
  tables!: GPUBuffer; // block tables
  x!: GPUBuffer; // (T, dim) residual stream
  q!: GPUBuffer; // (T, dim)
  h!: GPUBuffer; // (T, hidden)
  kvNew!: GPUBuffer; // (T, 2, kv_dim) this step's K and V before kv_quant (int8 KV only)
  att!: GPUBuffer; // (T, dim) attention output before wo (unfused attention only)
  scores!: GPUBuffer; // (T, n_heads, seq_len) the score matrix (unfused attention only)
  rows!: GPUBuffer; // (R) token index per logits row
  logits!: GPUBuffer; // (R, vocab)
  jobs!: GPUBuffer; // (S) sampler jobs
  scratch!: GPUBuffer; // (S, vocab) vec4 sampler scratch
  sampled!: GPUBuffer; // (S) token ids
  staging!: GPUBuffer; // MAP_READ copy of timestamps, ids and requested logits
  private owned: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly config: ModelConfig,
    private readonly jobBytes: number,
    private readonly formats: NumberFormats = DEFAULT_FORMATS,
  ) {
    this.step = this.create('step', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.fit(INITIAL);
  }

  /** Grows to hold `need`; returns true when buffers were replaced (bind groups must be rebuilt). */
  fit(need: StepSize): boolean {
    const grow = FIELDS.filter((f) => need[f] > this.size[f]);
    if (grow.length === 0) return false;
    for (const f of grow) this.size[f] = Math.max(need[f], 2 * this.size[f]);
    const { dim, hiddenDim, vocabSize } = this.config;
    const { tokens: T, tables, rows: R, samples: S } = this.size;
    const { STORAGE, COPY_DST, COPY_SRC, MAP_READ } = GPUBufferUsage;
    const has = (f: (typeof FIELDS)[number]) => grow.includes(f);
    if (has('tokens')) {
      this.replace('tokens', 16 * T, STORAGE | COPY_DST);
      this.replace('x', 4 * T * dim, STORAGE);
      this.replace('q', 4 * T * dim, STORAGE);
      this.replace('h', 4 * T * hiddenDim, STORAGE);
      const unfused = this.formats.attention === 'unfused';
      this.replace('kvNew', this.formats.kv === 'int8' ? 4 * T * 2 * kvDim(this.config) : 16, STORAGE);
      this.replace('att', unfused ? 4 * T * dim : 16, STORAGE);
      this.replace('scores', unfused ? 4 * T * this.config.nHeads * this.config.seqLen : 16, STORAGE);
    }
    if (has('tables')) this.replace('tables', 4 * tables, STORAGE | COPY_DST);
    if (has('rows')) {
      this.replace('rows', 4 * R, STORAGE | COPY_DST);
      this.replace('logits', 4 * R * vocabSize, STORAGE | COPY_SRC);
    }
    if (has('samples')) {
      this.replace('jobs', this.jobBytes * S, STORAGE | COPY_DST);
      this.replace('scratch', 16 * S * vocabSize, STORAGE);
      this.replace('sampled', 4 * S, STORAGE | COPY_SRC);
    }
    this.replace('staging', stagingLogits(S) + 4 * R * vocabSize, MAP_READ | COPY_DST);
    return true;
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned = [];
  }

  private create(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    this.allocations++;
    const b = this.device.createBuffer({ label, size: Math.max(16, size), usage });
    this.owned.push(b);
    return b;
  }

  private replace(name: 'tokens' | 'tables' | 'x' | 'q' | 'h' | 'kvNew' | 'att' | 'scores' | 'rows' | 'logits' | 'jobs' | 'scratch' | 'sampled' | 'staging', size: number, usage: GPUBufferUsageFlags): void {
    const old = this[name] as GPUBuffer | undefined;
    if (old) {
      old.destroy();
      this.owned = this.owned.filter((b) => b !== old);
    }
    this[name] = this.create(name, size, usage);
  }
}
