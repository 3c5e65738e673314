import { BatchscopeError } from '../errors';
import { kvDim } from '../model/config';
import { CpuForward } from '../model/forward-cpu';
import { sampleToken } from '../model/sampler';
import type { Model } from '../model/weights';
import { stepTokens, validateCopies, type Backend, type BlockCopy, type KvLayout, type SequenceStep, type StepResult } from './types';
import { validateStep } from './validate-step';

/** The reference backend: exact, single-threaded, runs anywhere JavaScript does. */
export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly description: string;
  readonly config;
  readonly kv: KvLayout;
  private forwardPass: CpuForward | null;

  constructor(model: Model, kv: KvLayout, description = 'CPU reference engine (JavaScript, one thread)') {
    this.config = model.config;
    this.kv = kv;
    this.description = description;
    try {
      this.forwardPass = new CpuForward(model, kv);
    } catch (e) {
      // A pool JavaScript cannot allocate is a setting a learner chose, not a bug.
      if (!(e instanceof RangeError)) throw e;
      const gib = (2 * model.config.nLayers * kv.numBlocks * kv.blockSize * kvDim(model.config) * 4) / 1024 ** 3;
      throw new BatchscopeError('model-too-large', `a KV pool of ${kv.numBlocks * kv.blockSize} positions needs ${gib.toFixed(1)} GiB, more than this process can allocate`, { cause: e });
    }
  }

  async step(seqs: readonly SequenceStep[]): Promise<StepResult> {
    return this.stepSync(seqs);
  }

  /** The same step without a promise, for tests and benchmarks that want no microtask hops. */
  stepSync(seqs: readonly SequenceStep[]): StepResult {
    const f = this.forwardPass;
    if (!f) throw new Error('CpuBackend used after dispose()');
    validateStep(seqs, this.config, this.kv);
    const t0 = performance.now();
    // Sampling needs the last row even when the caller did not ask for logits.
    const logits = f.forward(seqs.map((s) => (s.sample && (s.logits ?? 'last') === 'none' ? { ...s, logits: 'last' } : s)));
    const sampled = new Int32Array(seqs.length).fill(-1);
    seqs.forEach((s, i) => {
      if (!s.sample) return;
      const rows = logits[i]!;
      const vocab = this.config.vocabSize;
      const last = rows.subarray(rows.length - vocab);
      sampled[i] = sampleToken(last, s.sample, s.startPos + s.tokens.length);
      if ((s.logits ?? 'last') === 'none') logits[i] = null;
    });
    const wallMs = performance.now() - t0;
    return { logits, sampled, timing: { wallMs, source: 'measured', tokens: stepTokens(seqs), sequences: seqs.length } };
  }

  async copyBlocks(copies: readonly BlockCopy[]): Promise<void> {
    const f = this.forward;
    validateCopies(copies, this.kv);
    for (const { src, dst } of copies) f.copyBlock(src, dst);
  }

  /** Direct access to the pool for tests and the WebGPU parity checks. */
  get forward(): CpuForward {
    if (!this.forwardPass) throw new Error('CpuBackend used after dispose()');
    return this.forwardPass;
  }

  dispose(): void {
    this.forwardPass = null;
  }
}
