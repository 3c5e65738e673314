import { BatchscopeError } from '../errors';
import { headSize } from '../model/config';
import { describeFormats, kvBytesPerToken, weightsProblem } from '../model/quant/formats';
import { CpuForward } from '../model/forward-cpu';
import type { ForwardPass } from '../model/forward-pass';
import { sampleToken } from '../model/sampler';
import { wasmKernelsModule, wasmUnavailableReason } from '../model/wasm/kernels';
import { MAX_QUANT_HEADS, WasmForward } from '../model/wasm/forward-wasm';
import type { Model } from '../model/weights';
import type { NumberFormats, WeightDtype } from '../model/quant/formats';
import { stepTokens, validateCopies, type Backend, type BlockCopy, type KvLayout, type SequenceStep, type StepResult } from './types';
import { validateStep } from './validate-step';
import { expertStep } from '../serve/experts';

/** Which forward pass runs: WebAssembly SIMD, the TypeScript reference, or wasm where it can. */
export type CpuKernels = 'wasm' | 'js';

export interface CpuBackendOptions {
  /** Default 'auto': WebAssembly SIMD where it runs, else the TypeScript reference (and why). */
  kernels?: CpuKernels | 'auto';
  /** Why the CPU engine is running, when it stands in for another (shown in the description). */
  context?: string;
  /** Matmul weights: f32 (default) or int8 (Q8_0). The KV cache's format is the pool's (kv.dtype). */
  weights?: WeightDtype;
}

/** The CPU engine: one thread, exact, runs anywhere JavaScript does. */
export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly description: string;
  readonly config;
  readonly kv: KvLayout;
  readonly formats: NumberFormats;
  /** The forward pass in use. */
  readonly kernels: CpuKernels;
  /** Why the TypeScript reference runs although WebAssembly SIMD was wanted (null otherwise). */
  readonly kernelsFallback: string | null;
  private forwardPass: ForwardPass | null;

  constructor(model: Model, kv: KvLayout, options: CpuBackendOptions = {}) {
    this.config = model.config;
    this.kv = kv;
    const weights = options.weights ?? 'f32';
    if (weights === 'f16') throw new BatchscopeError('bad-argument', 'the CPU engine runs weights as f32 or int8 (f16 weights are a simulator setting)');
    const problem = weightsProblem(model.config, weights);
    if (problem) throw new BatchscopeError('bad-argument', problem);
    // Attention here runs one token at a time with its scores in cache: the fused path's bytes.
    this.formats = { weights, kv: kv.dtype ?? 'f32', attention: 'fused' };
    const want = options.kernels ?? 'auto';
    let fallback: string | null = null;
    let pass: ForwardPass | null = null;
    try {
      if (want !== 'js') {
        const module = wasmKernelsModule();
        const dtype = kv.dtype ?? 'f32';
        const unsupported =
          headSize(model.config) % 4 !== 0
            ? `head size ${headSize(model.config)} is not a multiple of 4`
            : dtype !== 'f32' && model.config.nHeads > MAX_QUANT_HEADS
              ? `an ${dtype} KV cache takes at most ${MAX_QUANT_HEADS} query heads there (this model has ${model.config.nHeads})`
              : null;
        fallback = unsupported ?? (module ? null : wasmUnavailableReason());
        if (module && !unsupported) {
          try {
            pass = new WasmForward(model, kv, module, weights);
          } catch (e) {
            if (!(e instanceof RangeError)) throw e;
            fallback = 'the KV pool does not fit in a WebAssembly memory (4 GiB)';
          }
        }
        if (want === 'wasm' && !pass) throw new BatchscopeError('model-unsupported', `the WebAssembly SIMD kernels cannot run here: ${fallback}`);
      }
      pass ??= new CpuForward(model, kv, weights);
    } catch (e) {
      // A pool JavaScript cannot allocate is a setting a learner chose, not a bug.
      if (!(e instanceof RangeError)) throw e;
      const gib = (kvBytesPerToken(model.config, kv.dtype ?? 'f32') * kv.numBlocks * kv.blockSize) / 1024 ** 3;
      throw new BatchscopeError('model-too-large', `a KV pool of ${kv.numBlocks * kv.blockSize} positions needs ${gib.toFixed(1)} GiB, more than this process can allocate`, { cause: e });
    }
    this.forwardPass = pass;
    this.kernels = pass instanceof WasmForward ? 'wasm' : 'js';
    this.kernelsFallback = this.kernels === 'js' ? fallback : null;
    this.description = `CPU engine (${this.engineSummary}${describeFormats(this.formats)})${options.context ? `; ${options.context}` : ''}`;
  }

  /** What runs, for a status line: "WebAssembly SIMD", or the JavaScript reference and why. */
  get engineSummary(): string {
    if (this.kernels === 'wasm') return 'WebAssembly SIMD';
    return `JavaScript reference${this.kernelsFallback ? `: WebAssembly SIMD unavailable, ${this.kernelsFallback}` : ''}`;
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
    const experts = f.expertLoad ? expertStep(this.config, f.expertLoad) : undefined;
    return { logits, sampled, timing: { wallMs, source: 'measured', tokens: stepTokens(seqs), sequences: seqs.length }, ...(experts ? { experts } : {}) };
  }

  /** Copy-on-write: each block's rows, every layer of K and V, through the pass's views of the pool, in order. */
  async copyBlocks(copies: readonly BlockCopy[]): Promise<void> {
    validateCopies(copies, this.kv);
    // In the pool's own format: an f16 or int8 cache's float32 view is a decoded copy.
    this.forward.copyBlocks(copies);
  }

  /** Direct access to the pool for tests and the WebGPU parity checks. */
  get forward(): ForwardPass {
    if (!this.forwardPass) throw new Error('CpuBackend used after dispose()');
    return this.forwardPass;
  }

  dispose(): void {
    this.forwardPass = null;
  }
}
