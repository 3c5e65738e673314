import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchscopeError } from '../errors';
import { FILE_BYTES, formatBytes, type FileKind } from '../limits';
import { CHECKPOINT_HEADER_BYTES, readCheckpoint, readCheckpointHeader, sizeMismatch } from '../model/checkpoint';
import { readTokenizer, type Tokenizer } from '../model/tokenizer';
import type { Model } from '../model/weights';
import { decodeText } from '../text';
import { BUILT_IN_MODELS, builtInModel, DEFAULT_MODEL } from '../model/builtin';
import { GPU_PRESETS, SIM_MODEL_PRESETS } from '../backend/sim/presets';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = resolve(packageRoot, 'public/models');
export const defaultModelPath = resolve(modelsDir, DEFAULT_MODEL.checkpoint);
export const defaultTokenizerPath = resolve(modelsDir, DEFAULT_MODEL.tokenizer);
/** For --help: the built-in names --model accepts. */
export const BUILT_IN_NAMES = BUILT_IN_MODELS.map((m) => m.name).join(', ');
/** For --help: the cost model's GPU and model presets (--gpu, --sim-model). */
export const GPU_NAMES = GPU_PRESETS.map((g) => g.id).join(', ');
export const SIM_MODEL_NAMES = SIM_MODEL_PRESETS.map((m) => m.id).join(', ');

/** --model as given: a file of that name, else a built-in model's checkpoint (tiny-moe, ...), else the path as given. */
export function checkpointPathFor(modelFlag: string): string {
  const named = existsSync(modelFlag) ? undefined : builtInModel(modelFlag);
  return named ? resolve(modelsDir, named.checkpoint) : modelFlag;
}

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));

/**
 * Checks that `path` is a regular file within its kind's size limit, before reading a byte: a
 * device (/dev/zero), a FIFO or a socket would never end, and a huge file would exhaust memory.
 */
export function inputFileStats(path: string, kind: FileKind, what: string): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    if (reason(e) === 'ENOENT' || reason(e) === 'ENOTDIR') throw new BatchscopeError('file-not-found', `${what} file not found: ${path}`);
    throw new BatchscopeError('bad-file', `cannot read the ${what} file ${path} (${reason(e)})`);
  }
  if (st.isDirectory()) throw new BatchscopeError('file-not-found', `${what} path is a directory, not a file: ${path}`);
  if (!st.isFile()) throw new BatchscopeError('bad-file', `${what} path is not a regular file (a device, FIFO or socket): ${path}`);
  if (st.size > FILE_BYTES[kind]) throw new BatchscopeError('bad-file', `${what} file ${path} is ${formatBytes(st.size)}, over the limit of ${formatBytes(FILE_BYTES[kind])} for a ${what} file`);
  return st;
}

export function readFileOrThrow(path: string, kind: FileKind, what: string = kind): Uint8Array {
  inputFileStats(path, kind, what);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new BatchscopeError('bad-file', `cannot read the ${what} file ${path} (${reason(e)})`, { cause: e });
  }
}

/** A text input file, strictly UTF-8 (refused with the line of the first bad byte). */
export function readTextFile(path: string, kind: FileKind, what: string = kind): string {
  const code = kind === 'workload' ? 'bad-workload' : kind === 'trace' ? 'bad-trace' : 'bad-prompts';
  return decodeText(readFileOrThrow(path, kind, what), `${what} file ${path}`, code);
}

/** A checkpoint whose size is checked against its header before the rest of it is read. */
export function readCheckpointFile(path: string): Model {
  const st = inputFileStats(path, 'checkpoint', 'model');
  const head = new Uint8Array(CHECKPOINT_HEADER_BYTES);
  let got = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      got = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new BatchscopeError('bad-file', `cannot read the model file ${path} (${reason(e)})`, { cause: e });
  }
  const { config, expectedBytes } = readCheckpointHeader(head.subarray(0, got), path);
  if (st.size !== expectedBytes) throw new BatchscopeError('bad-checkpoint', `${path}: ${sizeMismatch(st.size, config, expectedBytes)}`);
  return readCheckpoint(readFileOrThrow(path, 'checkpoint', 'model'), path);
}

/**
 * --model as given: a built-in name (tiny-moe, ...) unless a file of that name exists, else a path
 * (the default: batchscope-tiny). A built-in model brings its tokenizer unless --tokenizer names
 * another; `builtIn` is its name, and the model is named by it.
 */
export function loadModelFiles(modelFlag?: string, tokenizerFlag?: string): { model: Model; tokenizer: Tokenizer; builtIn: string | null } {
  const named = modelFlag === undefined ? DEFAULT_MODEL : existsSync(modelFlag) ? undefined : builtInModel(modelFlag);
  const modelPath = named ? resolve(modelsDir, named.checkpoint) : modelFlag!;
  const tokenizerPath = tokenizerFlag ?? (named ? resolve(modelsDir, named.tokenizer) : defaultTokenizerPath);
  const read = readCheckpointFile(modelPath);
  const model = named ? { ...read, name: named.name } : read;
  const tokenizer = readTokenizer(readFileOrThrow(tokenizerPath, 'tokenizer'), model.config.vocabSize, tokenizerPath);
  return { model, tokenizer, builtIn: named?.name ?? null };
}
