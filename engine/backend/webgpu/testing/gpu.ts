/**
 * Test access to a real WebGPU device in Node (Dawn; SwiftShader on a machine without a GPU).
 * When there is none the test fails with the reason: GPU tests never skip.
 */
import { openDevice } from '../device';
import { createKernel } from '../kernels';
import { nodeGpu } from '../node';
import type { NumberFormats } from '../../../model/quant/formats';
import { kernelSource, loadShaders, type ShaderName } from '../shaders';

let device: Promise<GPUDevice> | null = null;

function testDevice(): Promise<GPUDevice> {
  device ??= nodeGpu()
    .then((gpu) => openDevice(gpu, { maxBindingBytes: 0, maxBufferBytes: 0, workgroupBytes: 0, storageBuffersPerStage: 8, what: 'kernel tests' }))
    .then((d) => d.device);
  return device;
}

type Data = Float32Array | Uint32Array | Int32Array;

/** NaN bits: any output element a kernel should write but does not stays NaN and fails the comparison. */
const POISON = 0x7fc00000;

export interface KernelRun {
  constants: Record<string, number>;
  /** Contents of every binding, by its WGSL name; outputs too (poison them with poisoned()). */
  buffers: Record<string, Data>;
  workgroups: [number, number?];
  /** Weight and KV formats the kernel is specialized for (default f32). */
  formats?: Pick<NumberFormats, 'weights' | 'kv'>;
}

export const poisoned = (n: number): Float32Array => new Float32Array(new Uint32Array(n).fill(POISON).buffer);

/** Runs one kernel once and returns the final contents of the named buffers. */
export async function runKernel(name: ShaderName, run: KernelRun, read: string[]): Promise<Record<string, Float32Array>> {
  const dev = await testDevice();
  const kernel = await createKernel(dev, kernelSource(await loadShaders(), name, run.formats), name, run.constants);
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
