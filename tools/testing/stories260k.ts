/**
 * Test access to the external reference model in ../shared/models/stories260K (never copied into
 * the repo). A missing folder fails the test run with a message; it never skips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../../engine/model/checkpoint';
import { readTokenizer, type Tokenizer } from '../../engine/model/tokenizer';
import type { Model } from '../../engine/model/weights';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const storiesDir = process.env.BATCHSCOPE_STORIES_DIR ?? resolve(repoRoot, '../shared/models/stories260K');

export function storiesPath(...parts: string[]): string {
  const p = join(storiesDir, ...parts);
  if (!existsSync(p)) {
    throw new Error(`reference file ${p} is missing: tests need ../shared/models/stories260K beside the repository (or BATCHSCOPE_STORIES_DIR)`);
  }
  return p;
}

let cached: { model: Model; tok512: Tokenizer } | null = null;

export function loadStories(): { model: Model; tok512: Tokenizer } {
  if (!cached) {
    const model = readCheckpoint(readFileSync(storiesPath('stories260K.bin')), 'stories260K.bin');
    const tok512 = readTokenizer(readFileSync(storiesPath('tok512.bin')), model.config.vocabSize, 'tok512.bin');
    cached = { model, tok512 };
  }
  return cached;
}

export interface GreedyReference {
  name: string;
  prompt: string;
  /** Prompt + continuation as the reference printed it, with its final newline. */
  output: string;
}

export function greedyReferences(): GreedyReference[] {
  return [1, 2, 3, 6].map((n) => ({
    name: `prompt${n}`,
    prompt: readFileSync(storiesPath('reference', 'greedy', `prompt${n}.prompt`), 'utf8'),
    output: readFileSync(storiesPath('reference', 'greedy', `prompt${n}.txt`), 'utf8'),
  }));
}

export interface LogitsReference {
  prompt: string;
  steps: number;
  promptTokens: number[];
  generatedTokens: number[];
  /** (positions, vocab) logits of every position, from the f32 file. */
  all: Float32Array;
}

export function logitsReference(): LogitsReference {
  const j = JSON.parse(readFileSync(storiesPath('reference', 'logits', 'prompt1.json'), 'utf8'));
  const raw = readFileSync(storiesPath('reference', 'logits', 'prompt1_all_positions_logits.f32'));
  const all = new Float32Array(raw.byteLength / 4);
  new Uint8Array(all.buffer).set(raw);
  return { prompt: j.prompt, steps: j.steps, promptTokens: j.prompt_tokens, generatedTokens: j.generated_tokens, all };
}

export interface EncodeReference {
  text: string;
  tokens: number[];
}

export function encodeReferences(which: 'tok512' | 'tokenizer32000'): EncodeReference[] {
  return readFileSync(storiesPath('reference', 'tokenizer', `${which}_encode.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}
