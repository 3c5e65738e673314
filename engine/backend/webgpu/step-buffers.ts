import type { ModelConfig } from '../../model/config';

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

/** Staging layout: [timestamps (2 x u64) | sampled ids (S x u32) | logits (R x vocab x f32) | MoE load (L x 256 bytes)]. */
export const STAGING_SAMPLED = 16;
export const stagingLogits = (samples: number): number => STAGING_SAMPLED + 4 * samples;

/** Bytes between layers in the MoE load buffer (a storage binding offset must be a multiple of 256). */
export const LOAD_STRIDE = 256;

/**
 * MoE: grouped rows a step of T tokens may need. Each expert's rows start at a multiple of 4 (the
 * expert kernels' tile), so T * K slots take at most T * K + 3 E rows; moe_group.wgsl uses the same bound.
 */
export function moeTiles(c: ModelConfig, T: number): number {
  const { nExperts: E, topK: K } = c.moe!;
  return Math.floor((T * K + 3 * E + 3) / 4);
}

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
  rows!: GPUBuffer; // (R) token index per logits row
  logits!: GPUBuffer; // (R, vocab)
  jobs!: GPUBuffer; // (S) sampler jobs
  scratch!: GPUBuffer; // (S, vocab) vec4 sampler scratch
  sampled!: GPUBuffer; // (S) token ids
  staging!: GPUBuffer; // MAP_READ copy of timestamps, ids, requested logits and MoE load
  // MoE only (16-byte placeholders for a dense model):
  experts!: GPUBuffer; // (T, K) chosen experts
  weights!: GPUBuffer; // (T, K) their weights
  rowOf!: GPUBuffer; // (T, K) grouped row of each slot
  slots!: GPUBuffer; // (tiles * 4) slot of each grouped row
  tileExpert!: GPUBuffer; // (tiles) expert of each tile of 4 rows
  ye!: GPUBuffer; // (tiles * 4, dim) expert outputs
  load!: GPUBuffer; // (layer, 256 bytes): slots per expert, this step
  private owned: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly config: ModelConfig,
    private readonly jobBytes: number,
  ) {
    this.step = this.create('step', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.load = this.create('expert load', config.moe ? LOAD_STRIDE * config.nLayers : 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
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
      const moe = this.config.moe;
      const rows = moe ? 4 * moeTiles(this.config, T) : T;
      const slots = moe ? T * moe.topK : 0;
      this.replace('tokens', 16 * T, STORAGE | COPY_DST);
      this.replace('x', 4 * T * dim, STORAGE);
      this.replace('q', 4 * T * dim, STORAGE);
      this.replace('h', 4 * rows * hiddenDim, STORAGE);
      this.replace('experts', 4 * slots, STORAGE);
      this.replace('weights', 4 * slots, STORAGE);
      this.replace('rowOf', 4 * slots, STORAGE);
      this.replace('slots', moe ? 4 * rows : 0, STORAGE);
      this.replace('tileExpert', moe ? rows : 0, STORAGE);
      this.replace('ye', moe ? 4 * rows * dim : 0, STORAGE);
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
    this.replace('staging', stagingLogits(S) + 4 * R * vocabSize + this.loadBytes, MAP_READ | COPY_DST);
    return true;
  }

  /** Bytes of the MoE load readback (0 for a dense model). */
  get loadBytes(): number {
    return this.config.moe ? LOAD_STRIDE * this.config.nLayers : 0;
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

  private replace(name: 'tokens' | 'tables' | 'x' | 'q' | 'h' | 'rows' | 'logits' | 'jobs' | 'scratch' | 'sampled' | 'staging' | 'experts' | 'weights' | 'rowOf' | 'slots' | 'tileExpert' | 'ye', size: number, usage: GPUBufferUsageFlags): void {
    const old = this[name] as GPUBuffer | undefined;
    if (old) {
      old.destroy();
      this.owned = this.owned.filter((b) => b !== old);
    }
    this[name] = this.create(name, size, usage);
  }
}
