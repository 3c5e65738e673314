import { BatchscopeError } from '../../errors';
import type { Model } from '../../model/weights';
import { decodeKvRows } from '../../model/quant/kv-codec';
import { describeFormats, kvRowBytes, weightsProblem, type AttentionPath, type NumberFormats, type WeightDtype } from '../../model/quant/formats';
import { packModelQ8 } from './pack-q8';
import { stepTokens, validateCopies, type Backend, type BlockCopy, type KvLayout, type SequenceStep, type StepResult } from '../types';
import { validateStep } from '../validate-step';
import { openDevice, type DeviceNeeds } from './device';
import { bindGroups, createKernels, encodeForward, type BindGroups, type Kernels } from './forward';
import { destroyModel, kvPoolLayer, uploadModel, type ModelBuffers } from './model-buffers';
import { packModel } from './pack-weights';
import { shaderBindings, structLayout, type StructLayout } from './reflect';
import { kernelSource, loadShaders, SHADER_NAMES, type ShaderSources } from './shaders';
import { packStep } from './step-data';
import { LOAD_STRIDE, STAGING_SAMPLED, stagingLogits, StepBuffers } from './step-buffers';
import { expertStep } from '../../serve/experts';

export interface WebGpuOptions {
  /** navigator.gpu by default; Node passes Dawn's (see node.ts). */
  gpu?: GPU;
  shaders?: ShaderSources;
  /** Matmul weights: f32 (default) or int8 (Q8_0, dequantized in the kernels). The KV format is kv.dtype. */
  weights?: WeightDtype;
  /** fused (default: online softmax in one kernel) or unfused (score matrix in memory). */
  attention?: AttentionPath;
}

/** What the last step cost, for benchmarks and the "no allocation per step" check. */
export interface StepStats {
  dispatches: number;
  /** CPU time from the call to a finished command buffer: validate, pack, upload, record. */
  encodeMs: number;
  /** CPU time in queue.submit (Dawn translates the commands for the driver there). */
  submitMs: number;
  bufferAllocations: number;
}

/**
 * The ragged-step backend on WebGPU. Weights and the KV pool are uploaded once; a step writes its
 * metadata, records every dispatch into one compute pass of one command buffer, and reads back
 * only the sampled token ids (plus logits rows when asked for, and two timestamps).
 */
export class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly config;
  readonly kv: KvLayout;
  readonly description: string;
  readonly formats: NumberFormats;
  readonly stats: StepStats = { dispatches: 0, encodeMs: 0, submitMs: 0, bufferAllocations: 0 };
  private groups: BindGroups;
  private readonly querySet: GPUQuerySet | null;
  private readonly queryResolve: GPUBuffer | null;
  private lost: string | null = null;
  private disposed = false;
  /** One block of every layer: a copy within a pool buffer goes through it (WebGPU copies between two buffers only). */
  private readonly blockScratch: GPUBuffer;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    model: Model,
    kv: KvLayout,
    readonly device: GPUDevice,
    adapter: string,
    timestamps: boolean,
    private readonly kernels: Kernels,
    readonly buffers: ModelBuffers,
    private readonly stepBuffers: StepBuffers,
    private readonly job: StructLayout,
    formats: NumberFormats,
  ) {
    this.config = model.config;
    this.kv = kv;
    this.formats = formats;
    this.description = `WebGPU on ${adapter}${describeFormats(formats)}`;
    this.groups = bindGroups(device, kernels, model.config.nLayers, buffers, stepBuffers);
    this.querySet = timestamps ? device.createQuerySet({ label: 'step time', type: 'timestamp', count: 2 }) : null;
    this.queryResolve = timestamps ? device.createBuffer({ label: 'step time', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }) : null;
    this.blockScratch = device.createBuffer({ label: 'block copy', size: this.blockBytes * model.config.nLayers, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    void device.lost.then((info) => {
      // A destroy() that is not ours (a test, the browser reclaiming the GPU) is a loss too.
      if (!this.disposed) this.lost = info.message || info.reason;
    });
  }

  static async create(model: Model, kv: KvLayout, options: WebGpuOptions = {}): Promise<WebGpuBackend> {
    const c = model.config;
    if (!Number.isInteger(kv.numBlocks) || kv.numBlocks < 1 || !Number.isInteger(kv.blockSize) || kv.blockSize < 1) {
      throw new BatchscopeError('bad-argument', `KV pool of ${kv.numBlocks} blocks of ${kv.blockSize} positions is not a pool`);
    }
    const hs = c.dim / c.nHeads;
    if (hs % 4 !== 0 || hs > 128) {
      throw new BatchscopeError('model-unsupported', `the WebGPU engine handles attention heads as vec4s of up to 128 values; ${model.name} has head size ${hs}`);
    }
    if (c.moe && (c.moe.nExperts > 64 || c.moe.topK > 8)) {
      throw new BatchscopeError('model-unsupported', `the WebGPU engine routes among at most 64 experts, at most 8 per token; ${model.name} has ${c.moe.nExperts} experts, ${c.moe.topK} per token`);
    }
    const shaders = options.shaders ?? (await loadShaders());
    const formats: NumberFormats = { weights: options.weights ?? 'f32', kv: kv.dtype ?? 'f32', attention: options.attention ?? 'fused' };
    if (formats.weights === 'f16') throw new BatchscopeError('bad-argument', 'the WebGPU engine runs weights as f32 or int8 (f16 weights are a simulator setting)');
    const problem = weightsProblem(model.config, formats.weights);
    if (problem) throw new BatchscopeError('bad-argument', problem);
    const packed = packModel(model);
    const q8 = formats.weights === 'int8' ? packModelQ8(model) : null;
    const pool = kvPoolLayer(c, kv);
    const largest = Math.max(pool.size, 4 * packed.classifier.length, 4 * packed.embedding.length, 4 * packed.ffnUp.size);
    const needs: DeviceNeeds = {
      maxBindingBytes: largest,
      maxBufferBytes: Math.max(largest, pool.stride * c.nLayers, 4 * packed.ffnUp.data.length),
      // attention_out keeps TILE (4) tokens' attention output in workgroup memory.
      workgroupBytes: 4 * 4 * c.dim,
      storageBuffersPerStage: Math.max(...SHADER_NAMES.map((n) => shaderBindings(kernelSource(shaders, n, formats)).filter((b) => b.kind !== 'uniform').length)),
      what: `the model ${model.name} (dim ${c.dim}, ${c.nLayers} layers) with a KV pool of ${kv.numBlocks} x ${kv.blockSize} positions`,
    };
    const gpu = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
    const { device, adapter, timestamps, emulated } = await openDevice(gpu, needs);
    try {
      const job = structLayout(shaders.sample, 'Job');
      device.pushErrorScope('out-of-memory');
      const stepBuffers = new StepBuffers(device, c, job.size, formats);
      const buffers = uploadModel(device, c, kv, packed, q8);
      const oom = await device.popErrorScope();
      if (oom) throw new BatchscopeError('model-too-large', `the GPU ran out of memory loading ${needs.what}: ${oom.message}`);
      const kernels = await createKernels(device, shaders, c, kv, emulated, formats, q8);
      return new WebGpuBackend(model, kv, device, adapter, timestamps, kernels, buffers, stepBuffers, job, formats);
    } catch (e) {
      device.destroy();
      throw e;
    }
  }

  step(seqs: readonly SequenceStep[]): Promise<StepResult> {
    // Steps share buffers, so they run one after another even if a caller does not wait.
    const result = this.queue.then(() => this.run(seqs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Copy-on-write on the GPU: each block is copied K then V, every layer, through a scratch buffer,
   * all in one command buffer submitted ahead of the next step (queue order keeps them before it).
   */
  copyBlocks(copies: readonly BlockCopy[]): Promise<void> {
    const done = this.queue.then(() => this.copy(copies));
    this.queue = done.catch(() => undefined);
    return done;
  }

  /** One block of one layer in the pool's own format (an int8 row carries its scales). */
  private get blockBytes(): number {
    return this.kv.blockSize * kvRowBytes(this.config, this.kv.dtype ?? 'f32');
  }

  private async copy(copies: readonly BlockCopy[]): Promise<void> {
    if (this.disposed) throw new Error('WebGpuBackend used after dispose()');
    this.throwIfLost();
    validateCopies(copies, this.kv);
    if (copies.length === 0) return;
    const bytes = this.blockBytes;
    const layers = this.config.nLayers;
    this.device.pushErrorScope('validation');
    const enc = this.device.createCommandEncoder({ label: 'block copies' });
    for (const { src, dst } of copies) {
      for (const pool of [this.buffers.keyCache, this.buffers.valueCache]) {
        for (let l = 0; l < layers; l++) enc.copyBufferToBuffer(pool.buffer, l * pool.stride + src * bytes, this.blockScratch, l * bytes, bytes);
        for (let l = 0; l < layers; l++) enc.copyBufferToBuffer(this.blockScratch, l * bytes, pool.buffer, l * pool.stride + dst * bytes, bytes);
      }
    }
    this.device.queue.submit([enc.finish()]);
    const error = await this.device.popErrorScope();
    if (error) throw new Error(`WebGPU rejected a block copy: ${error.message}`);
  }

  private async run(seqs: readonly SequenceStep[]): Promise<StepResult> {
    if (this.disposed) throw new Error('WebGpuBackend used after dispose()');
    this.throwIfLost();
    const t0 = performance.now();
    validateStep(seqs, this.config, this.kv);
    if (seqs.length === 0) return { logits: [], sampled: new Int32Array(0), timing: { wallMs: 0, source: 'measured', tokens: 0, sequences: 0 } };
    const data = packStep(seqs, this.kv, this.job);
    const T = data.tokens;
    const R = data.rows.length;
    const S = data.samples;
    const s = this.stepBuffers;
    if (s.fit({ tokens: T, tables: data.tables.length, rows: R, samples: S })) {
      this.groups = bindGroups(this.device, this.kernels, this.config.nLayers, this.buffers, s);
    }
    const q = this.device.queue;
    q.writeBuffer(s.step, 0, new Uint32Array([T, R]));
    q.writeBuffer(s.tokens, 0, data.tokenInfo);
    q.writeBuffer(s.tables, 0, data.tables);
    if (R > 0) q.writeBuffer(s.rows, 0, data.rows);
    if (S > 0) q.writeBuffer(s.jobs, 0, data.jobs);

    const wantLogits = data.logitRows.some((r) => r.count > 0);
    // The MoE load sits after the logits region, read whether or not logits are.
    const loadAt = stagingLogits(S) + 4 * R * this.config.vocabSize;
    const readBytes = s.loadBytes > 0 ? loadAt + s.loadBytes : wantLogits ? loadAt : stagingLogits(S);
    this.device.pushErrorScope('validation');
    const enc = this.device.createCommandEncoder({ label: 'step' });
    const pass = enc.beginComputePass({
      label: 'forward',
      timestampWrites: this.querySet ? { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined,
    });
    const context = seqs.reduce((m, q) => Math.max(m, q.startPos + q.tokens.length), 0);
    const dispatches = encodeForward(pass, this.kernels, this.groups, this.config, { tokens: T, rows: R, samples: S, context });
    pass.end();
    if (this.querySet && this.queryResolve) {
      enc.resolveQuerySet(this.querySet, 0, 2, this.queryResolve, 0);
      enc.copyBufferToBuffer(this.queryResolve, 0, s.staging, 0, 16);
    }
    if (S > 0) enc.copyBufferToBuffer(s.sampled, 0, s.staging, STAGING_SAMPLED, 4 * S);
    if (wantLogits) enc.copyBufferToBuffer(s.logits, 0, s.staging, stagingLogits(S), 4 * R * this.config.vocabSize);
    if (s.loadBytes > 0) enc.copyBufferToBuffer(s.load, 0, s.staging, loadAt, s.loadBytes);
    const commands = enc.finish();
    const encodeMs = performance.now() - t0;
    q.submit([commands]);
    const invalid = this.device.popErrorScope();
    Object.assign(this.stats, { dispatches, encodeMs, submitMs: performance.now() - t0 - encodeMs, bufferAllocations: s.allocations });

    let bytes: ArrayBuffer;
    try {
      await s.staging.mapAsync(GPUMapMode.READ, 0, readBytes);
      bytes = s.staging.getMappedRange(0, readBytes).slice(0);
      s.staging.unmap();
    } catch (e) {
      // Only a lost or destroyed device fails a valid map; device.lost may not have settled yet.
      this.lost ??= e instanceof Error ? e.message : String(e);
      this.throwIfLost();
      throw e;
    }
    const error = await invalid;
    if (error) throw new Error(`WebGPU rejected the step: ${error.message}`);
    return this.result(seqs, data, bytes, t0, encodeMs, loadAt);
  }

  /** MoE: tokens per expert per layer, (layer, expert), from the load rows of the staging copy. */
  private expertLoad(bytes: ArrayBuffer, at: number): Int32Array {
    const { nLayers, moe } = this.config;
    const E = moe!.nExperts;
    const load = new Int32Array(nLayers * E);
    for (let l = 0; l < nLayers; l++) load.set(new Int32Array(bytes, at + l * LOAD_STRIDE, E), l * E);
    return load;
  }

  private result(seqs: readonly SequenceStep[], data: ReturnType<typeof packStep>, bytes: ArrayBuffer, t0: number, encodeMs: number, loadAt: number): StepResult {
    const vocab = this.config.vocabSize;
    const ids = new Uint32Array(bytes, STAGING_SAMPLED, data.samples);
    const sampled = new Int32Array(seqs.length).fill(-1);
    const logits = seqs.map((_, i) => {
      if (data.jobOf[i] >= 0) sampled[i] = ids[data.jobOf[i]];
      const { first, count } = data.logitRows[i];
      return count === 0 ? null : new Float32Array(bytes, stagingLogits(data.samples) + 4 * first * vocab, count * vocab).slice();
    });
    const [begin, end] = this.querySet ? new BigUint64Array(bytes, 0, 2) : [0n, 0n];
    const experts = this.config.moe ? expertStep(this.config, this.expertLoad(bytes, loadAt)) : undefined;
    return {
      ...(experts ? { experts } : {}),
      logits,
      sampled,
      timing: {
        wallMs: performance.now() - t0,
        gpuMs: this.querySet && end > begin ? Number(end - begin) / 1e6 : undefined,
        encodeMs,
        source: 'measured',
        tokens: stepTokens(seqs),
        sequences: seqs.length,
      },
    };
  }

  private throwIfLost(): void {
    if (this.lost !== null) {
      throw new BatchscopeError('device-lost', `the GPU device was lost (${this.lost}); the KV cache on it is gone, so the run must continue on another backend`);
    }
  }

  /** Reads a layer's K or V pool back as float32 (block, blockSize, kv_dim), decoded from its dtype, for tests and the UI's memory view. */
  async readKvLayer(which: 'key' | 'value', layer: number): Promise<Float32Array> {
    const pool = which === 'key' ? this.buffers.keyCache : this.buffers.valueCache;
    const staging = this.device.createBuffer({ label: 'kv readback', size: pool.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    await this.queue;
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(pool.buffer, layer * pool.stride, staging, 0, pool.size);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = decodeKvRows(this.config, this.kv.dtype ?? 'f32', new Uint8Array(staging.getMappedRange().slice(0)));
    staging.destroy();
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    destroyModel(this.buffers);
    this.stepBuffers.destroy();
    this.querySet?.destroy();
    this.queryResolve?.destroy();
    this.blockScratch.destroy();
    this.device.destroy();
  }
}

export const createWebGpuBackend = (model: Model, kv: KvLayout, options?: WebGpuOptions): Promise<WebGpuBackend> => WebGpuBackend.create(model, kv, options);
