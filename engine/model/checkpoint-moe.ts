import { BatchscopeError } from '../errors';
import type { ModelConfig } from './config';

/**
 * batchscope's mixture-of-experts checkpoint (version 1): llama2.c has no MoE format, so this
 * extends its legacy one the way its own version 1/2 files do (a magic number and a version
 * first), keeping the llama2.c header fields in their order. Little-endian throughout:
 *
 * | bytes | field |
 * |---|---|
 * | 0-3 | magic: the ASCII bytes `bsmo` (uint32 0x6f6d7362) |
 * | 4-7 | int32 version = 1 |
 * | 8-35 | the 7 int32 llama2.c fields: dim, hidden_dim (of one expert), n_layers, n_heads, n_kv_heads, vocab_size (negative: a separate classifier follows), seq_len |
 * | 36-39 | int32 n_experts (1..256) |
 * | 40-43 | int32 top_k (1..n_experts) |
 * | 44-63 | reserved, zero |
 *
 * Then float32 tensors in llama2.c's order, with the router after rms_ffn and every FFN matrix
 * holding each layer's experts in turn: token_embedding (vocab, dim), rms_att (L, dim), wq, wk, wv,
 * wo, rms_ffn (L, dim), router (L, E, dim), w1 (L, E, hidden, dim), w2 (L, E, dim, hidden),
 * w3 (L, E, hidden, dim), rms_final (dim), then wcls (vocab, dim) only when vocab_size < 0. No
 * rotary tables (llama2.c's later versions dropped them too; every reader computes RoPE).
 * tools/train/export.py writes the same layout.
 */
export const MOE_MAGIC = 0x6f6d7362;
export const MOE_VERSION = 1;
export const MOE_HEADER_BYTES = 64;

/** True when the file starts with the MoE magic (a dense llama2.c file starts with dim, at most 16384). */
export const isMoeCheckpoint = (bytes: Uint8Array): boolean =>
  bytes.byteLength >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === MOE_MAGIC;

/** The header as llama2.c int32 fields (for the shared checks) plus the expert fields. */
export function readMoeHeader(bytes: Uint8Array, source: string): { fields: number[]; moe: NonNullable<ModelConfig['moe']> } {
  const bad = (why: string): never => {
    throw new BatchscopeError('bad-checkpoint', `${source}: ${why}`);
  };
  if (bytes.byteLength < MOE_HEADER_BYTES) bad(`file is too short (${bytes.byteLength} bytes) to hold a batchscope MoE header of ${MOE_HEADER_BYTES} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, MOE_HEADER_BYTES);
  const version = view.getInt32(4, true);
  if (version !== MOE_VERSION) bad(`batchscope MoE checkpoint version ${version} is not supported (this build reads version ${MOE_VERSION})`);
  for (let at = 44; at < MOE_HEADER_BYTES; at += 4) {
    if (view.getInt32(at, true) !== 0) bad(`reserved header bytes ${at}-${at + 3} are not zero; is this a newer batchscope MoE checkpoint?`);
  }
  const fields = Array.from({ length: 7 }, (_, i) => view.getInt32(8 + i * 4, true));
  return { fields, moe: { nExperts: view.getInt32(36, true), topK: view.getInt32(40, true) } };
}

export function writeMoeHeader(out: Uint8Array, fields: number[], moe: NonNullable<ModelConfig['moe']>): void {
  const view = new DataView(out.buffer, out.byteOffset, MOE_HEADER_BYTES);
  view.setUint32(0, MOE_MAGIC, true);
  view.setInt32(4, MOE_VERSION, true);
  fields.forEach((v, i) => view.setInt32(8 + i * 4, v, true));
  view.setInt32(36, moe.nExperts, true);
  view.setInt32(40, moe.topK, true);
}
