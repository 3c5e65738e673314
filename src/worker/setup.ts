import {
  BatchscopeError,
  builtInModel,
  CpuBackend,
  SimBackend,
  generateWorkload,
  gpuPreset,
  isBatchscopeError,
  materialize,
  readCheckpoint,
  readCheckpointHeader,
  CHECKPOINT_HEADER_BYTES,
  FILE_BYTES,
  readTokenizer,
  tokenLabel,
  simKvLayout,
  simModelPreset,
  storyPrompts,
  taskPromptSource,
  workloadPreset,
  type Backend,
  type KvLayout,
  type Model,
  type Request,
  type Tokenizer,
  type Workload,
} from '../../engine';
import { createWebGpuBackend } from '../../engine/backend/webgpu/backend';
import { kvCapacityOf, simFormats } from '../run/catalog';
import type { ModelConfig } from '../../engine/model/config';
import { RecoveringBackend } from '../../engine/backend/webgpu/recovering';
import type { RunConfig } from '../store/config';
import type { BackendInfo, RequestMeta } from '../run/types';
import { readLimited } from './fetch-limited';
import type { ModelSource } from './protocol';

export interface LoadedModel {
  name: string;
  model: Model;
  tokenizer: Tokenizer;
}

/** The built-in models (dense and MoE) answer their task prompts with exactly the length a workload asks for. */
export const isBuiltInModel = (name: string): boolean => builtInModel(name)?.name === name;

async function fetchBytes(url: string, what: string, maxBytes: number, sizeFromHead?: Parameters<typeof readLimited>[4]): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new BatchscopeError('file-not-found', `could not download the ${what} from ${url} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!res.ok) throw new BatchscopeError('file-not-found', `the ${what} is missing: ${url} answered ${res.status} ${res.statusText}`.trim());
  return readLimited(res, what, url, maxBytes, sizeFromHead);
}

export async function loadModel(src: ModelSource): Promise<LoadedModel> {
  const header = { bytes: CHECKPOINT_HEADER_BYTES, size: (head: Uint8Array) => readCheckpointHeader(head, src.name).expectedBytes };
  const [ckpt, tok] = await Promise.all([fetchBytes(src.checkpoint, 'model checkpoint', FILE_BYTES.checkpoint, header), fetchBytes(src.tokenizer, 'tokenizer', FILE_BYTES.tokenizer)]);
  const model = readCheckpoint(ckpt, src.name);
  return { name: src.name, model, tokenizer: readTokenizer(tok, model.config.vocabSize, src.tokenizer) };
}

/** Every token's text as printed (byte tokens as the byte when it is printable ASCII). */
export function vocabulary(tok: Tokenizer): string[] {
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  return Array.from({ length: tok.vocabSize }, (_, id) => tokenLabel(tok, id, utf8));
}

export const kvLayout = (c: RunConfig, model: ModelConfig): KvLayout => ({ numBlocks: Math.max(1, Math.floor(kvCapacityOf(c, model) / c.blockSize)), blockSize: c.blockSize, dtype: c.kvDtype });


export interface CreatedBackend {
  backend: Backend;
  info: BackendInfo;
}

/** How the page names the CPU engine: which kernels run (WebAssembly SIMD, or the reference and why). */
const cpuInfo = (backend: CpuBackend, fallbackReason?: string): BackendInfo => ({ kind: 'cpu', description: backend.engineSummary, cpuKernels: backend.kernels, fallbackReason, config: backend.config, formats: backend.formats });

/**
 * The backend the configuration asks for. WebGPU that cannot start falls back to the CPU engine,
 * and the reason travels with it so the page can say so plainly. A GPU lost mid-run hands over to
 * the CPU engine too (RecoveringBackend rebuilds the KV cache there, so no request is lost), and
 * `onLost` receives what the page should say then.
 */
export async function createBackend(c: RunConfig, loaded: LoadedModel, onLost?: (info: BackendInfo) => void): Promise<CreatedBackend> {
  if (c.backend === 'sim') {
    const gpu = gpuPreset(c.gpu);
    const m = simModelPreset(c.simModel);
    const formats = simFormats(c);
    const backend = new SimBackend(gpu, m, simKvLayout(gpu, m, c.blockSize, undefined, formats), formats);
    return { backend, info: { kind: 'sim', description: `${m.name} on ${gpu.name}`, short: `${m.name} on ${gpu.id}`, config: m.config, formats: backend.formats, trafficOptions: backend.trafficOptions } };
  }
  const layout = kvLayout(c, loaded.model.config);
  const newCpu = () => new CpuBackend(loaded.model, layout, { weights: c.weights });
  const cpu = (fallbackReason?: string): CreatedBackend => {
    const backend = newCpu();
    return { backend, info: cpuInfo(backend, fallbackReason) };
  };
  if (c.backend === 'cpu') return cpu();
  try {
    const gpu = await createWebGpuBackend(loaded.model, layout, { weights: c.weights, attention: c.attention });
    let fallback: CpuBackend | null = null;
    const backend = new RecoveringBackend(
      gpu,
      () => (fallback = newCpu()),
      (reason) =>
        onLost?.(
          cpuInfo(fallback!, `The GPU was lost mid-run (${reason.replace(/\.$/, '')}). The run goes on on the CPU: every request kept, its KV cache recomputed.`),
        ),
    );
    return { backend, info: { kind: 'webgpu', description: gpu.description.replace(/^WebGPU on /, ''), config: loaded.model.config, formats: gpu.formats } };
  } catch (e) {
    const why = isBatchscopeError(e) || e instanceof Error ? e.message : String(e);
    return cpu(`WebGPU could not start here: ${why.replace(/\.$/, '')}. The model runs on the CPU instead: the same tokens, just slower on a machine with a real GPU.`);
  }
}

/**
 * The configuration's workload: the preset drawn with the seed, plus the user's own prompts. The
 * built-in model gets its task prompts, so each answer ends with the model's own EOS at the drawn
 * length; any other model gets story openings with the length forced, as Anyscale's benchmark did.
 */
export function buildWorkload(c: RunConfig, loaded: LoadedModel): Workload {
  const preset = workloadPreset(c.workload, c.seed);
  const spec = { ...preset, count: c.requests, arrival: c.rate > 0 ? { kind: 'poisson' as const, rate: c.rate } : { kind: 'burst' as const } };
  if (c.completions > 0) spec.completions = { kind: 'fixed', n: c.completions };
  const w = generateWorkload(spec, isBuiltInModel(loaded.name) ? taskPromptSource : storyPrompts(loaded.tokenizer));
  const extra = c.prompts.map((text, i) => ({
    id: w.requests.length + i,
    arrivalMs: 0,
    prompt: text,
    maxNewTokens: 64,
    expectedNewTokens: 64,
    sampling: { temperature: 0, topP: 1, seed: w.requests.length + i },
  }));
  return { ...w, requests: [...w.requests, ...extra] };
}

export function requestsFor(w: Workload, tokenizer: Tokenizer): { requests: Request[]; metas: RequestMeta[] } {
  const requests = materialize(w, tokenizer);
  const metas = requests.map((r) => ({
    id: r.id,
    arrivalMs: r.arrivalMs,
    prompt: r.prompt,
    promptText: r.promptText,
    maxNewTokens: r.maxNewTokens,
    expectedTokens: r.prompt.length + r.expectedNewTokens - 1,
    ...(r.n !== undefined && r.n > 1 ? { n: r.n } : {}),
  }));
  return { requests, metas };
}
