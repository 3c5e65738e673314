import type { ModelConfig } from '../../model/config';
import { kvRowBytes } from '../../model/quant/formats';
import type { KvLayout } from '../types';
import type { PackedQ8Model } from './pack-q8';
import { roundUp, type Layered, type PackedModel } from './pack-weights';

/** A tensor with one 256-byte aligned slice per layer, bound one layer at a time. */
export interface LayeredBuffer {
  buffer: GPUBuffer;
  /** Bytes from one layer's slice to the next. */
  stride: number;
  /** Bytes of one layer's slice. */
  size: number;
}

/** Everything that lives as long as the backend: the packed weights and the paged KV pool. */
export interface ModelBuffers {
  embedding: GPUBuffer;
  qkv: LayeredBuffer;
  wo: LayeredBuffer;
  ffnUp: LayeredBuffer;
  w2: LayeredBuffer;
  /** MoE only. */
  router?: LayeredBuffer;
  classifier: GPUBuffer;
  rope: GPUBuffer;
  /** (layer, block, blockSize) rows of kvRowBytes in the pool's dtype, layers 256-byte aligned. */
  keyCache: LayeredBuffer;
  valueCache: LayeredBuffer;
}

export const layerSlice = (t: LayeredBuffer, layer: number): GPUBufferBinding => ({ buffer: t.buffer, offset: layer * t.stride, size: t.size });

/** Bytes of one layer of the KV pool (one of K or V), and the aligned stride between layers. */
export function kvPoolLayer(c: ModelConfig, kv: KvLayout): { size: number; stride: number } {
  const size = kv.numBlocks * kv.blockSize * kvRowBytes(c, kv.dtype ?? 'f32');
  return { size, stride: roundUp(size, 256) };
}

/** Uploads the float32 weights (`packed`) or the int8 ones (`q8`, which then replace every matrix and the embedding). */
export function uploadModel(device: GPUDevice, c: ModelConfig, kv: KvLayout, packed: PackedModel, q8: PackedQ8Model | null = null): ModelBuffers {
  const create = (d: GPUBufferDescriptor): GPUBuffer => device.createBuffer(d);
  const upload = (label: string, data: Float32Array | Uint32Array): GPUBuffer => {
    const buffer = create({ label, size: Math.max(16, data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  };
  const layered = (label: string, t: Layered): LayeredBuffer => ({ buffer: upload(label, t.data), stride: 4 * t.stride, size: 4 * t.size });
  const pool = (label: string): LayeredBuffer => {
    const { size, stride } = kvPoolLayer(c, kv);
    // COPY_SRC lets tests and the UI read the pool back; both copies serve copy-on-write of a block.
    return { buffer: create({ label, size: stride * c.nLayers, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST }), stride, size };
  };
  const w = q8 ?? packed;
  return {
    embedding: upload('embedding', w.embedding),
    qkv: layered('wqkv', w.qkv),
    wo: layered('wo', w.wo),
    ffnUp: layered('w13', w.ffnUp),
    w2: layered('w2', w.w2),
    ...(packed.router ? { router: layered('router', packed.router) } : {}),
    classifier: upload('classifier', q8 ? q8.classifier.data : packed.classifier),
    rope: upload('rope', packed.rope),
    keyCache: pool('key cache'),
    valueCache: pool('value cache'),
  };
}

export function destroyModel(m: ModelBuffers): void {
  for (const b of [m.embedding, m.qkv.buffer, m.wo.buffer, m.ffnUp.buffer, m.w2.buffer, m.classifier, m.rope, m.keyCache.buffer, m.valueCache.buffer, m.router?.buffer]) b?.destroy();
}
