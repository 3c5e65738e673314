import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchscopeError } from '../errors';
import { readCheckpoint } from '../model/checkpoint';
import { readTokenizer, type Tokenizer } from '../model/tokenizer';
import type { Model } from '../model/weights';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultModelPath = resolve(packageRoot, 'public/models/batchscope-tiny.bin');
export const defaultTokenizerPath = resolve(packageRoot, 'public/models/batchscope-tiny.tok.bin');

export function readFileOrThrow(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new BatchscopeError('file-not-found', `${what} file not found: ${path}`);
  if (statSync(path).isDirectory()) throw new BatchscopeError('file-not-found', `${what} path is a directory, not a file: ${path}`);
  return new Uint8Array(readFileSync(path));
}

/**
 * Refuses an output path that cannot be written (a directory, or a folder that does not exist)
 * before a run starts, so a typo does not cost the whole run.
 */
export function checkOutputPath(path: string, what: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new BatchscopeError('bad-argument', `${what} path is a directory, not a file: ${path}`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BatchscopeError('file-not-found', `${what} folder does not exist: ${dir}`);
}

export function writeFileOrThrow(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new BatchscopeError('bad-argument', `cannot write the ${what} file ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export function loadModelFiles(modelPath = defaultModelPath, tokenizerPath = defaultTokenizerPath): { model: Model; tokenizer: Tokenizer } {
  const model = readCheckpoint(readFileOrThrow(modelPath, 'model'), modelPath);
  const tokenizer = readTokenizer(readFileOrThrow(tokenizerPath, 'tokenizer'), model.config.vocabSize, tokenizerPath);
  return { model, tokenizer };
}
