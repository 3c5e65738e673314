import { CpuBackend, type CpuBackendOptions, type CpuKernels } from '../backend/cpu';
import type { Backend, BackendKind, KvLayout } from '../backend/types';
import type { Model } from '../model/weights';

export const BACKEND_CHOICES = ['cpu', 'webgpu'] as const satisfies readonly BackendKind[];
export type CliBackend = (typeof BACKEND_CHOICES)[number];
export const CPU_KERNEL_CHOICES = ['wasm', 'js'] as const satisfies readonly CpuKernels[];
export const CPU_KERNELS_HELP = 'CPU engine kernels: wasm (WebAssembly SIMD) or js (the TypeScript reference) (default: wasm where it runs)';

/**
 * Creates the backend a CLI command asked for. When the WebGPU backend cannot start, the CLI falls
 * back to the CPU engine and says why on stderr (notice), never silently; if the GPU is lost
 * mid-run, the run continues on the CPU engine, again with a notice.
 */
export async function createBackend(kind: CliBackend, model: Model, kv: KvLayout, notice: (line: string) => void, cpuKernels?: CpuKernels): Promise<Backend> {
  const cpu = (context?: string) => new CpuBackend(model, kv, { kernels: cpuKernels, context } satisfies CpuBackendOptions);
  switch (kind) {
    case 'cpu':
      return cpu();
    case 'webgpu': {
      let gpu: Backend;
      try {
        // Loaded only when asked for: Dawn is a native module the CPU path does not need.
        const { nodeGpu } = await import('../backend/webgpu/node');
        const { createWebGpuBackend } = await import('../backend/webgpu/backend');
        gpu = await createWebGpuBackend(model, kv, { gpu: await nodeGpu() });
      } catch (e) {
        notice(`batchscope: WebGPU is unavailable, running on the CPU engine instead: ${e instanceof Error ? e.message : String(e)}`);
        return cpu('WebGPU unavailable');
      }
      notice(`batchscope: running on ${gpu.description}`);
      const { RecoveringBackend } = await import('../backend/webgpu/recovering');
      return new RecoveringBackend(gpu, () => cpu('GPU device lost'), (why) =>
        notice(`batchscope: ${why}; continuing on the CPU engine`),
      );
    }
  }
}
