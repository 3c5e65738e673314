import { kvDim as kvDimOf, type ModelConfig } from '../../model/config';
import type { KvLayout } from '../types';
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
  /** (layer, block, blockSize, kv_dim), layers 256-byte aligned. */
  keyCache: LayeredBuffer;
  valueCache: LayeredBuffer;
}

export const layerSlice = (t: LayeredBuffer, layer: number): GPUBufferBinding => ({ buffer: t.buffer, offset: layer * t.stride, size: t.size });

/** Bytes of one layer of the KV pool (one of K or V), and the aligned stride between layers. */
export function kvPoolLayer(c: ModelConfig, kv: KvLayout): { size: number; stride: number } {
  const size = 4 * kv.numBlocks * kv.blockSize * kvDimOf(c);
  return { size, stride: roundUp(size, 256) };
}

export function uploadModel(device: GPUDevice, c: ModelConfig, kv: KvLayout, packed: PackedModel): ModelBuffers {
  const create = (d: GPUBufferDescriptor): GPUBuffer => device.createBuffer(d);
  const upload = (label: string, data: Float32Array): GPUBuffer => {
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
  return {
    embedding: upload('embedding', packed.embedding),
    qkv: layered('wqkv', packed.qkv),
    wo: layered('wo', packed.wo),
    ffnUp: layered('w13', packed.ffnUp),
    w2: layered('w2', packed.w2),
    ...(packed.router ? { router: layered('router', packed.router) } : {}),
    classifier: upload('classifier', packed.classifier),
    rope: upload('rope', packed.rope),
    keyCache: pool('key cache'),
    valueCache: pool('value cache'),
  };
}

export function destroyModel(m: ModelBuffers): void {
  for (const b of [m.embedding, m.qkv.buffer, m.wo.buffer, m.ffnUp.buffer, m.w2.buffer, m.classifier, m.rope, m.keyCache.buffer, m.valueCache.buffer, m.router?.buffer]) b?.destroy();
}
