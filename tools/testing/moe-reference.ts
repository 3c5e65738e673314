/**
 * The PyTorch reference for the shipped MoE checkpoints (tools/train/moe_reference.py writes
 * public/models/NAME.reference.json when a model is finalized): per prompt, its tokens, PyTorch's
 * logits at the last position, every token's top-k experts per layer, and the greedy continuation.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCheckpoint } from '../../engine/model/checkpoint';
import type { Model } from '../../engine/model/weights';
import { repoRoot } from './stories260k';

export interface MoeReferencePrompt {
  prompt: string;
  tokens: number[];
  lastLogits: number[];
  /** (layer, token, k) */
  experts: number[][][];
  /** Greedy tokens after the prompt, EOS included when it came. */
  greedy: number[];
}

export interface MoeReference {
  model: string;
  prompts: MoeReferencePrompt[];
}

export function loadMoeReference(name: string, dir = resolve(repoRoot, 'public/models')): { model: Model; ref: MoeReference } {
  const model = readCheckpoint(readFileSync(resolve(dir, `${name}.bin`)), `${name}.bin`);
  const ref = JSON.parse(readFileSync(resolve(dir, `${name}.reference.json`), 'utf8')) as MoeReference;
  return { model, ref };
}

/** Tokens per expert per layer, (layer, expert), as the engine's expertLoad counts them for one prompt. */
export function referenceLoad(p: MoeReferencePrompt, nExperts: number): Int32Array {
  const load = new Int32Array(p.experts.length * nExperts);
  p.experts.forEach((tokens, l) => tokens.forEach((chosen) => chosen.forEach((e) => load[l * nExperts + e]++)));
  return load;
}
