import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchscopeError } from '../errors';
import { FILE_BYTES, formatBytes, type FileKind } from '../limits';
import { CHECKPOINT_HEADER_BYTES, readCheckpoint, readCheckpointHeader, sizeMismatch } from '../model/checkpoint';
import { readTokenizer, type Tokenizer } from '../model/tokenizer';
import type { Model } from '../model/weights';
import { decodeText } from '../text';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultModelPath = resolve(packageRoot, 'public/models/batchscope-tiny.bin');
export const defaultTokenizerPath = resolve(packageRoot, 'public/models/batchscope-tiny.tok.bin');

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

export function loadModelFiles(modelPath = defaultModelPath, tokenizerPath = defaultTokenizerPath): { model: Model; tokenizer: Tokenizer } {
  const model = readCheckpointFile(modelPath);
  const tokenizer = readTokenizer(readFileOrThrow(tokenizerPath, 'tokenizer'), model.config.vocabSize, tokenizerPath);
  return { model, tokenizer };
}
