// The CPU engine's WebAssembly SIMD kernels (built by tools/wasm/build.ts into
// engine/model/wasm/kernels-wasm.ts). Pointers are byte offsets into the imported memory.
export { matmul } from './matmul';
export { rmsnorm, rope, siluMul, addInPlace } from './elementwise';
export { attention, configureAttention, storeKv } from './attention';
export { expInPlace, heapBase } from './vexp';
export { gatherRows, combineExperts } from './moe';
