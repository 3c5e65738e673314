import type { Lesson } from './types';

export const quantization: Lesson = {
  id: 'quantization',
  title: 'Quantization: fewer bytes per number',
  body: [
    'int8 weights keep each matmul weight in 8 bits, in groups of 32 with one fp16 scale (llama.cpp’s Q8_0: the largest value maps to ±127). Kernels widen each weight back to float as they multiply; no float copy exists. 34 bytes per 32 weights instead of 128.',
    'The KV cache can be f16 (half the bytes) or int8 with one scale per head vector per position. Give the pool in MiB (Bytes per token → KV memory) and switch the format: the same memory holds 2x or ~3.6x the positions, so more requests run at once and fewer are preempted.',
    'Every number is rounded, so `npx batchscope eval` measures the cost: this model’s tasks stay exact; the model card lists every combination. In the simulator int8 weights also free GPU memory for KV: OPT-13B shrinks from 24 to 13 GiB.',
  ],
};
