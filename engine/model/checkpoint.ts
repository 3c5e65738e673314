import { BatchscopeError } from '../errors';
import { headSize, validateConfig, type ModelConfig } from './config';
import { freqTableFloats, weightShapes, type Model, type ModelWeights } from './weights';
import { isMoeCheckpoint, MOE_HEADER_BYTES, readMoeHeader, writeMoeHeader } from './checkpoint-moe';

const HEADER_INTS = 7;
const HEADER_BYTES = HEADER_INTS * 4;

/** Bytes `readCheckpointHeader` needs at most: the MoE extension's header (a llama2.c one is 28). */
export const CHECKPOINT_HEADER_BYTES = MOE_HEADER_BYTES;

/**
 * The model shape a header declares and the exact file size it implies, so a reader can refuse a
 * file of the wrong size before reading the rest of it. Reads llama2.c's legacy header, or
 * batchscope's mixture-of-experts extension (checkpoint-moe.ts), told apart by its magic.
 */
export function readCheckpointHeader(bytes: Uint8Array, source = 'checkpoint'): { config: ModelConfig; expectedBytes: number; headerBytes: number } {
  const moeFile = isMoeCheckpoint(bytes);
  let h: number[];
  let moe: ModelConfig['moe'];
  if (moeFile) ({ fields: h, moe } = readMoeHeader(bytes, source));
  else {
    if (bytes.byteLength < HEADER_BYTES) {
      throw new BatchscopeError('bad-checkpoint', `${source}: file is too short (${bytes.byteLength} bytes) to hold a llama2.c header of ${HEADER_BYTES} bytes`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
    h = Array.from({ length: HEADER_INTS }, (_, i) => view.getInt32(i * 4, true));
  }
  const config: ModelConfig = {
    dim: h[0],
    hiddenDim: h[1],
    nLayers: h[2],
    nHeads: h[3],
    nKvHeads: h[4],
    vocabSize: Math.abs(h[5]),
    seqLen: h[6],
    sharedClassifier: h[5] > 0,
    ...(moe ? { moe } : {}),
  };
  validateConfig(config, source);
  const weightFloats = weightShapes(config).reduce((s, [, n]) => s + n, 0);
  const clsFloats = config.sharedClassifier ? 0 : config.vocabSize * config.dim;
  // The MoE extension drops llama2.c's unused rotary tables.
  const headerBytes = moeFile ? MOE_HEADER_BYTES : HEADER_BYTES;
  return { config, headerBytes, expectedBytes: headerBytes + 4 * (weightFloats + (moeFile ? 0 : freqTableFloats(config)) + clsFloats) };
}

/** Why a file of `size` bytes does not match its header. */
export function sizeMismatch(size: number, c: ModelConfig, expected: number): string {
  return (
    `size ${size} bytes does not match the header (dim=${c.dim}, hidden_dim=${c.hiddenDim}, ` +
    `n_layers=${c.nLayers}, n_heads=${c.nHeads}, n_kv_heads=${c.nKvHeads}, ` +
    `vocab_size=${c.sharedClassifier ? c.vocabSize : -c.vocabSize}, seq_len=${c.seqLen}${c.moe ? `, n_experts=${c.moe.nExperts}, top_k=${c.moe.topK}` : ''}), which needs exactly ${expected} bytes`
  );
}

/**
 * Reads a llama2.c legacy (version 0) checkpoint: a header of 7 little-endian int32
 * (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len) then float32 tensors.
 * A negative vocab_size means a separate classifier `wcls` follows the rotary tables.
 * Also reads batchscope's mixture-of-experts extension (checkpoint-moe.ts).
 */
export function readCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Model {
  const bad = (why: string): never => {
    throw new BatchscopeError('bad-checkpoint', `${source}: ${why}`);
  };
  const { config, expectedBytes, headerBytes } = readCheckpointHeader(bytes, source);
  if (bytes.byteLength !== expectedBytes) bad(sizeMismatch(bytes.byteLength, config, expectedBytes));
  const shapes = weightShapes(config);
  // Copy into one aligned buffer: the file's bytes may not be 4-byte aligned, and the copy
  // lets the caller drop the file.
  const floats = new Float32Array((bytes.byteLength - headerBytes) / 4);
  new Uint8Array(floats.buffer).set(bytes.subarray(headerBytes));
  for (let i = 0; i < floats.length; i++) {
    if (!Number.isFinite(floats[i])) bad(`weight ${i} is ${floats[i]}; the file is corrupt`);
  }

  const weights = {} as ModelWeights;
  let offset = 0;
  for (const [name, n] of shapes) {
    weights[name] = floats.subarray(offset, offset + n);
    offset += n;
  }
  if (!config.moe) offset += freqTableFloats(config);
  weights.wcls = config.sharedClassifier
    ? weights.tokenEmbedding
    : floats.subarray(offset, offset + config.vocabSize * config.dim);
  return { name: source, config, weights };
}

/**
 * Writes a model in the format readCheckpoint reads: llama2.c's legacy format with its (unused)
 * rotary tables for a dense model, the MoE extension (checkpoint-moe.ts) for an MoE one.
 */
export function writeCheckpoint(model: Model): Uint8Array {
  const c = model.config;
  validateConfig(c, model.name);
  const shapes = weightShapes(c);
  const clsFloats = c.sharedClassifier ? 0 : c.vocabSize * c.dim;
  const freqFloats = c.moe ? 0 : freqTableFloats(c);
  const headerBytes = c.moe ? MOE_HEADER_BYTES : HEADER_BYTES;
  const total = shapes.reduce((s, [, n]) => s + n, 0) + freqFloats + clsFloats;
  const out = new Uint8Array(headerBytes + 4 * total);
  const header = [c.dim, c.hiddenDim, c.nLayers, c.nHeads, c.nKvHeads, c.sharedClassifier ? c.vocabSize : -c.vocabSize, c.seqLen];
  if (c.moe) writeMoeHeader(out, header, c.moe);
  else header.forEach((v, i) => new DataView(out.buffer).setInt32(i * 4, v, true));
  const floats = new Float32Array(out.buffer, headerBytes, total);
  let offset = 0;
  for (const [name, n] of shapes) {
    const w = model.weights[name];
    if (w?.length !== n) throw new BatchscopeError('bad-checkpoint', `${model.name}: ${name} has ${w?.length ?? 0} values, expected ${n}`);
    floats.set(w, offset);
    offset += n;
  }
  if (c.moe) {
    if (!c.sharedClassifier) floats.set(model.weights.wcls, offset);
    return out;
  }
  const half = headSize(c) / 2;
  for (let pos = 0; pos < c.seqLen; pos++) {
    for (let i = 0; i < half; i++) {
      const angle = pos / Math.pow(10000, (2 * i) / headSize(c));
      floats[offset + pos * half + i] = Math.cos(angle);
      floats[offset + c.seqLen * half + pos * half + i] = Math.sin(angle);
    }
  }
  offset += freqTableFloats(c);
  if (!c.sharedClassifier) floats.set(model.weights.wcls, offset);
  return out;
}
