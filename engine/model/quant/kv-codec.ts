import { headSize, kvDim as kvDimOf, type ModelConfig } from '../config';
import { f16Bits, f16Value } from './f16';
import { kvRowBytes, type KvDtype } from './formats';
import { quantizeGroup } from './q8';

/**
 * The KV pool as bytes, one row per position of each layer, `kvRowBytes` each:
 * f32 (kv_dim floats), f16 (kv_dim halves), int8 (kv_dim int8 values, then one fp16 scale per kv
 * head, padded to 4 bytes). The WebAssembly and WGSL kernels read and write the same layout.
 */
export class KvBytes {
  readonly dtype: KvDtype;
  readonly rowBytes: number;
  readonly bytes: Uint8Array;
  readonly f32: Float32Array;
  readonly u16: Uint16Array;
  readonly i8: Int8Array;
  private readonly kvDim: number;
  private readonly hs: number;
  private readonly q: Int8Array;

  /** A new pool of `rows` rows, or a view of rows already in `buffer` (the WebAssembly memory, a GPU readback). */
  constructor(c: ModelConfig, dtype: KvDtype, rows: number, buffer = new ArrayBuffer(rows * kvRowBytes(c, dtype))) {
    this.dtype = dtype;
    this.rowBytes = kvRowBytes(c, dtype);
    this.kvDim = kvDimOf(c);
    this.hs = headSize(c);
    this.bytes = new Uint8Array(buffer);
    this.f32 = new Float32Array(buffer, 0, buffer.byteLength >> 2);
    this.u16 = new Uint16Array(buffer, 0, buffer.byteLength >> 1);
    this.i8 = new Int8Array(buffer);
    this.q = new Int8Array(this.hs);
  }

  /** Stores src[from .. from + kv_dim) as row `row`. */
  write(row: number, src: ArrayLike<number>, from: number): void {
    const at = row * this.rowBytes;
    const n = this.kvDim;
    switch (this.dtype) {
      case 'f32':
        for (let d = 0; d < n; d++) this.f32[at / 4 + d] = src[from + d];
        return;
      case 'f16':
        for (let d = 0; d < n; d++) this.u16[at / 2 + d] = f16Bits(src[from + d]);
        return;
      case 'int8':
        for (let g = 0; g * this.hs < n; g++) {
          this.u16[(at + n) / 2 + g] = quantizeGroup(src, from + g * this.hs, this.hs, this.i8, at + g * this.hs);
        }
    }
  }

  /** Row `row` as float32 into out[at ..]: exactly the values attention reads (f16 value, or int8 * scale rounded to float32). */
  read(row: number, out: Float32Array, at = 0): void {
    const base = row * this.rowBytes;
    const n = this.kvDim;
    switch (this.dtype) {
      case 'f32':
        for (let d = 0; d < n; d++) out[at + d] = this.f32[base / 4 + d];
        return;
      case 'f16':
        for (let d = 0; d < n; d++) out[at + d] = f16Value(this.u16[base / 2 + d]);
        return;
      case 'int8':
        for (let g = 0; g * this.hs < n; g++) {
          const s = f16Value(this.u16[(base + n) / 2 + g]);
          for (let i = 0; i < this.hs; i++) out[at + g * this.hs + i] = this.i8[base + g * this.hs + i] * s;
        }
    }
  }

  /** Every row dequantized: (rows, kv_dim). */
  readAll(): Float32Array {
    const rows = this.bytes.length / this.rowBytes;
    const out = new Float32Array(rows * this.kvDim);
    for (let r = 0; r < rows; r++) this.read(r, out, r * this.kvDim);
    return out;
  }
}

/** Rows of a pool seen elsewhere (a copy of the WebAssembly memory, a GPU readback) decoded the same way. */
export function decodeKvRows(c: ModelConfig, dtype: KvDtype, bytes: Uint8Array): Float32Array {
  const copy = bytes.slice();
  return new KvBytes(c, dtype, copy.length / kvRowBytes(c, dtype), copy.buffer).readAll();
}
