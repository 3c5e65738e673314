// The CPU engine's WebAssembly SIMD kernels (built by tools/wasm/build.ts into
// engine/model/wasm/kernels-wasm.ts). Pointers are byte offsets into the imported memory.
export { matmul } from './matmul';
export { matmulQ8 } from './matmul-q8';
export { rmsnorm, rope, siluMul, addInPlace } from './elementwise';
export { attention, storeKv } from './attention';
export { configureAttention } from './shape';
export { expInPlace, heapBase } from './vexp';
export { gatherRows, combineExperts } from './moe';
