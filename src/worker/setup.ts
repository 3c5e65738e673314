import { CpuBackend } from '../../engine/backend/cpu';
import { SimBackend, gpuPreset, simKvLayout, simModelPreset } from '../../engine/backend/sim/backend';
import type { Backend, KvLayout } from '../../engine/backend/types';
import { createWebGpuBackend } from '../../engine/backend/webgpu/backend';
import { BatchscopeError, isBatchscopeError } from '../../engine/errors';
import { readCheckpoint } from '../../engine/model/checkpoint';
import { readTokenizer, type Tokenizer } from '../../engine/model/tokenizer';
import type { Model } from '../../engine/model/weights';
import { storyPrompts } from '../../engine/serve/prompts';
import type { Request } from '../../engine/serve/request';
import { generateWorkload, materialize, type Workload } from '../../engine/serve/workload';
import { workloadPreset } from '../../engine/serve/workload-presets';
import type { RunConfig } from '../store/config';
import type { BackendInfo, RequestMeta } from '../run/types';
import type { ModelSource } from './protocol';

export interface LoadedModel {
  name: string;
  model: Model;
  tokenizer: Tokenizer;
}

async function fetchBytes(url: string, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new BatchscopeError('file-not-found', `could not download the ${what} from ${url} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!res.ok) throw new BatchscopeError('file-not-found', `the ${what} is missing: ${url} answered ${res.status} ${res.statusText}`.trim());
  return new Uint8Array(await res.arrayBuffer());
}

export async function loadModel(src: ModelSource): Promise<LoadedModel> {
  const [ckpt, tok] = await Promise.all([fetchBytes(src.checkpoint, 'model checkpoint'), fetchBytes(src.tokenizer, 'tokenizer')]);
  const model = readCheckpoint(ckpt, src.name);
  return { name: src.name, model, tokenizer: readTokenizer(tok, model.config.vocabSize, src.tokenizer) };
}

/** Every token's text as printed (byte tokens as the byte when it is printable ASCII). */
export function vocabulary(tok: Tokenizer): string[] {
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  return Array.from({ length: tok.vocabSize }, (_, id) => {
    const b = tok.decodeBytes(0, id);
    return b.length === 1 && (b[0] < 32 || b[0] > 126) ? `<0x${b[0].toString(16).toUpperCase().padStart(2, '0')}>` : utf8.decode(b);
  });
}

export const kvLayout = (c: RunConfig): KvLayout => ({ numBlocks: Math.max(1, Math.floor(c.kvCapacity / c.blockSize)), blockSize: c.blockSize });

export interface CreatedBackend {
  backend: Backend;
  info: BackendInfo;
}

/**
 * The backend the configuration asks for. WebGPU that cannot start falls back to the CPU engine,
 * and the reason travels with it so the page can say so plainly.
 */
export async function createBackend(c: RunConfig, loaded: LoadedModel): Promise<CreatedBackend> {
  if (c.backend === 'sim') {
    const gpu = gpuPreset(c.gpu);
    const m = simModelPreset(c.simModel);
    const backend = new SimBackend(gpu, m, simKvLayout(gpu, m, c.blockSize));
    return { backend, info: { kind: 'sim', description: `${m.name} on ${gpu.name}` } };
  }
  const cpu = (fallbackReason?: string): CreatedBackend => ({
    backend: new CpuBackend(loaded.model, kvLayout(c)),
    info: { kind: 'cpu', description: 'JavaScript reference engine, one thread', fallbackReason },
  });
  if (c.backend === 'cpu') return cpu();
  try {
    const backend = await createWebGpuBackend(loaded.model, kvLayout(c));
    return { backend, info: { kind: 'webgpu', description: backend.description.replace(/^WebGPU on /, '') } };
  } catch (e) {
    const why = isBatchscopeError(e) || e instanceof Error ? e.message : String(e);
    return cpu(`WebGPU is not available here (${why}), so the model runs on the CPU instead: slower, but the same tokens.`);
  }
}

/** The configuration's workload: the preset drawn with the seed, plus the user's own prompts. */
export function buildWorkload(c: RunConfig, tokenizer: Tokenizer): Workload {
  const preset = workloadPreset(c.workload, c.seed);
  const spec = { ...preset, count: c.requests, arrival: c.rate > 0 ? { kind: 'poisson' as const, rate: c.rate } : { kind: 'burst' as const } };
  const w = generateWorkload(spec, storyPrompts(tokenizer));
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
  }));
  return { requests, metas };
}
