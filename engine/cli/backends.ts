import { CpuBackend } from '../backend/cpu';
import type { Backend, BackendKind, KvLayout } from '../backend/types';
import type { Model } from '../model/weights';

export const BACKEND_CHOICES = ['cpu', 'webgpu'] as const satisfies readonly BackendKind[];
export type CliBackend = (typeof BACKEND_CHOICES)[number];

/**
 * Creates the backend a CLI command asked for. When the WebGPU backend cannot start, the CLI falls
 * back to the CPU engine and says why on stderr (notice), never silently; if the GPU is lost
 * mid-run, the run continues on the CPU engine, again with a notice.
 */
export async function createBackend(kind: CliBackend, model: Model, kv: KvLayout, notice: (line: string) => void): Promise<Backend> {
  switch (kind) {
    case 'cpu':
      return new CpuBackend(model, kv);
    case 'webgpu': {
      let gpu: Backend;
      try {
        // Loaded only when asked for: Dawn is a native module the CPU path does not need.
        const { nodeGpu } = await import('../backend/webgpu/node');
        const { createWebGpuBackend } = await import('../backend/webgpu/backend');
        gpu = await createWebGpuBackend(model, kv, { gpu: await nodeGpu() });
      } catch (e) {
        notice(`batchscope: WebGPU is unavailable, running on the CPU engine instead: ${e instanceof Error ? e.message : String(e)}`);
        return new CpuBackend(model, kv, { context: 'WebGPU unavailable' });
      }
      notice(`batchscope: running on ${gpu.description}`);
      const { RecoveringBackend } = await import('../backend/webgpu/recovering');
      return new RecoveringBackend(gpu, () => new CpuBackend(model, kv, { context: 'GPU device lost' }), (why) =>
        notice(`batchscope: ${why}; continuing on the CPU engine`),
      );
    }
  }
}
