import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchscopeError } from '../errors';
import { readCheckpoint } from '../model/checkpoint';
import { readTokenizer, type Tokenizer } from '../model/tokenizer';
import type { Model } from '../model/weights';
import { BUILT_IN_MODELS, builtInModel, DEFAULT_MODEL } from '../model/builtin';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = resolve(packageRoot, 'public/models');
export const defaultModelPath = resolve(modelsDir, DEFAULT_MODEL.checkpoint);
export const defaultTokenizerPath = resolve(modelsDir, DEFAULT_MODEL.tokenizer);
/** For --help: the built-in names --model accepts. */
export const BUILT_IN_NAMES = BUILT_IN_MODELS.map((m) => m.name).join(', ');

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

/**
 * --model as given: a built-in name (tiny-moe, ...) unless a file of that name exists, else a path.
 * A built-in model brings its tokenizer unless --tokenizer names another; `builtIn` is its name.
 */
export function loadModelFiles(modelFlag?: string, tokenizerFlag?: string): { model: Model; tokenizer: Tokenizer; builtIn: string | null } {
  const named = modelFlag === undefined ? DEFAULT_MODEL : existsSync(modelFlag) ? undefined : builtInModel(modelFlag);
  const modelPath = named ? resolve(modelsDir, named.checkpoint) : modelFlag!;
  const tokenizerPath = tokenizerFlag ?? (named ? resolve(modelsDir, named.tokenizer) : defaultTokenizerPath);
  const model = readCheckpoint(readFileOrThrow(modelPath, 'model'), named ? named.name : modelPath);
  const tokenizer = readTokenizer(readFileOrThrow(tokenizerPath, 'tokenizer'), model.config.vocabSize, tokenizerPath);
  return { model, tokenizer, builtIn: named?.name ?? null };
}
