/**
 * Test access to a real WebGPU device in Node (Dawn; SwiftShader on a machine without a GPU).
 * When there is none the test fails with the reason: GPU tests never skip.
 */
import { openDevice } from '../device';
import { createKernel } from '../kernels';
import { nodeGpu } from '../node';
import { loadShaders, type ShaderName } from '../shaders';

let device: Promise<GPUDevice> | null = null;

export function testDevice(): Promise<GPUDevice> {
  device ??= nodeGpu()
    .then((gpu) => openDevice(gpu, { maxBindingBytes: 0, maxBufferBytes: 0, workgroupBytes: 0, storageBuffersPerStage: 8, what: 'kernel tests' }))
    .then((d) => d.device);
  return device;
}

type Data = Float32Array | Uint32Array | Int32Array;

/** NaN bits: any output element a kernel should write but does not stays NaN and fails the comparison. */
export const POISON = 0x7fc00000;

export interface KernelRun {
  constants: Record<string, number>;
  /** Contents of every binding, by its WGSL name; outputs too (poison them with poisoned()). */
  buffers: Record<string, Data>;
  workgroups: [number, number?];
}

export const poisoned = (n: number): Float32Array => new Float32Array(new Uint32Array(n).fill(POISON).buffer);

/** Runs one kernel once and returns the final contents of the named buffers. */
export async function runKernel(name: ShaderName, run: KernelRun, read: string[]): Promise<Record<string, Float32Array>> {
  const dev = await testDevice();
  const kernel = await createKernel(dev, await loadShaders(), name, run.constants);
  const buffers: Record<string, GPUBuffer> = {};
  for (const b of kernel.bindings) {
    const data = run.buffers[b.name];
    if (!data) throw new Error(`test gives no data for ${name}'s binding ${b.name}`);
    const usage = (b.kind === 'uniform' ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    buffers[b.name] = dev.createBuffer({ label: b.name, size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage });
    dev.queue.writeBuffer(buffers[b.name], 0, data);
  }
  const group = dev.createBindGroup({ layout: kernel.layout, entries: kernel.bindings.map((b) => ({ binding: b.binding, resource: { buffer: buffers[b.name] } })) });
  dev.pushErrorScope('validation');
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(kernel.pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(run.workgroups[0], run.workgroups[1] ?? 1);
  pass.end();
  const staging = read.map((n) => dev.createBuffer({ size: buffers[n].size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
  read.forEach((n, i) => enc.copyBufferToBuffer(buffers[n], 0, staging[i], 0, buffers[n].size));
  dev.queue.submit([enc.finish()]);
  const error = await dev.popErrorScope();
  if (error) throw new Error(`${name}: ${error.message}`);
  const out: Record<string, Float32Array> = {};
  for (const [i, n] of read.entries()) {
    await staging[i].mapAsync(GPUMapMode.READ);
    out[n] = new Float32Array(staging[i].getMappedRange().slice(0, run.buffers[n].byteLength));
    staging[i].destroy();
  }
  for (const b of Object.values(buffers)) b.destroy();
  return out;
}

/** Values in ±[0.05, 1): random, and never zero, so a missing term always shows. */
export function randomArray(n: number, rand: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const v = 0.05 + 0.95 * rand();
    return (rand() < 0.5 ? -v : v) * scale;
  });
}

/** A seeded generator (mulberry32) so a failing case can be rerun. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Largest |a - b|; NaN (poison) must sit at the same places in both, else Infinity. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
      if (!(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return Infinity;
    } else m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}
