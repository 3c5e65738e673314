import { shaderBindings, shaderConst, type ShaderBinding } from './reflect';
import type { ShaderName } from './shaders';

/**
 * A compiled kernel: its pipeline and the bind group layout reflected from its WGSL. Created once
 * per backend; bind groups are made by binding name, so a renamed or renumbered binding in a
 * shader is an error here rather than a silently wrong buffer.
 */
export interface Kernel {
  name: ShaderName;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  bindings: ShaderBinding[];
  /** Tokens (or rows) per invocation along y, the shader's TILE; 1 when it has none. */
  tile: number;
}

/** Compiles one kernel from its (specialized) WGSL; `label` names the GPU objects (default: the shader's name). */
export async function createKernel(device: GPUDevice, code: string, name: ShaderName, constants: Record<string, number>, label: string = name): Promise<Kernel> {
  const bindings = shaderBindings(code);
  const layout = device.createBindGroupLayout({
    label,
    entries: bindings.map((b) => ({ binding: b.binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: b.kind } })),
  });
  const module = device.createShaderModule({ label, code });
  try {
    const pipeline = await device.createComputePipelineAsync({
      label,
      layout: device.createPipelineLayout({ label, bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants },
    });
    return { name, pipeline, layout, bindings, tile: /const TILE\b/.test(code) ? shaderConst(code, 'TILE') : 1 };
  } catch (e) {
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${name}.wgsl:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`).join('\n');
    throw new Error(`could not build kernel ${name}: ${e instanceof Error ? e.message : String(e)}${messages ? '\n' + messages : ''}`, { cause: e });
  }
}

export type Resource = GPUBuffer | GPUBufferBinding;

export function bindKernel(device: GPUDevice, kernel: Kernel, resources: Record<string, Resource>, label: string): GPUBindGroup {
  const names = new Set(kernel.bindings.map((b) => b.name));
  for (const r of Object.keys(resources)) if (!names.has(r)) throw new Error(`kernel ${kernel.name} has no binding named ${r}`);
  return device.createBindGroup({
    label,
    layout: kernel.layout,
    entries: kernel.bindings.map((b) => {
      const r = resources[b.name];
      if (!r) throw new Error(`kernel ${kernel.name}: no buffer given for binding ${b.name}`);
      return { binding: b.binding, resource: 'buffer' in r ? r : { buffer: r } };
    }),
  });
}
