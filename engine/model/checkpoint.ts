import { BatchscopeError } from '../errors';
import { headSize, validateConfig, type ModelConfig } from './config';
import { freqTableFloats, weightShapes, type Model, type ModelWeights } from './weights';
import { isMoeCheckpoint, MOE_HEADER_BYTES, readMoeHeader, writeMoeHeader } from './checkpoint-moe';

const HEADER_INTS = 7;
const HEADER_BYTES = HEADER_INTS * 4;

/**
 * Reads a llama2.c legacy (version 0) checkpoint: a header of 7 little-endian int32
 * (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len) then float32 tensors.
 * A negative vocab_size means a separate classifier `wcls` follows the rotary tables.
 * Also reads batchscope's mixture-of-experts extension (checkpoint-moe.ts), told apart by its magic.
 */
export function readCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Model {
  const bad = (why: string): never => {
    throw new BatchscopeError('bad-checkpoint', `${source}: ${why}`);
  };
  const moeFile = isMoeCheckpoint(bytes);
  let h: number[];
  let moe: ModelConfig['moe'];
  if (moeFile) ({ fields: h, moe } = readMoeHeader(bytes, source));
  else {
    if (bytes.byteLength < HEADER_BYTES) {
      bad(`file is too short (${bytes.byteLength} bytes) to hold a llama2.c header of ${HEADER_BYTES} bytes`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    h = Array.from({ length: HEADER_INTS }, (_, i) => view.getInt32(i * 4, true));
  }
  const headerBytes = moeFile ? MOE_HEADER_BYTES : HEADER_BYTES;
  const freqFloats = (c: ModelConfig) => (moeFile ? 0 : freqTableFloats(c));
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

  const shapes = weightShapes(config);
  const weightFloats = shapes.reduce((s, [, n]) => s + n, 0);
  const clsFloats = config.sharedClassifier ? 0 : config.vocabSize * config.dim;
  const expected = headerBytes + 4 * (weightFloats + freqFloats(config) + clsFloats);
  if (bytes.byteLength !== expected) {
    bad(
      `size ${bytes.byteLength} bytes does not match the header (dim=${config.dim}, hidden_dim=${config.hiddenDim}, ` +
        `n_layers=${config.nLayers}, n_heads=${config.nHeads}, n_kv_heads=${config.nKvHeads}, ` +
        `vocab_size=${h[5]}, seq_len=${config.seqLen}${moe ? `, n_experts=${moe.nExperts}, top_k=${moe.topK}` : ''}), which needs exactly ${expected} bytes`,
    );
  }

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
  offset += freqFloats(config);
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
