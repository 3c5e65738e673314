import type { Lesson } from './types';

export const quantization: Lesson = {
  id: 'quantization',
  title: 'Quantization: fewer bytes per number',
  body: [
    'int8 weights store each matmul weight in 8 bits, in groups of 32 with one fp16 scale per group (llama.cpp’s Q8_0: the largest value of a group maps to ±127). The kernels widen each weight back to float as they multiply, so no float copy exists: 34 bytes per 32 weights instead of 128 in float32.',
    'The KV cache can be stored in f16 (half the bytes, values rounded to 11 significant bits) or int8 with one scale per head vector per position. Give the pool as a memory budget in MiB (Bytes per token, KV memory) and switch its format: the same memory holds 2x or ~3.6x the positions, more requests fit in the batch, and fewer are preempted.',
    'It is not free: every number is rounded. `npx batchscope eval` measures what that costs on this model (its held-out tasks) and on stories260K (how far the logits move, and how often the greedy token stays the same); the model card lists the results for every combination.',
    'On the simulator, int8 weights also free GPU memory for the KV cache: OPT-13B’s 24 GiB of fp16 weights shrink to under 13 GiB, almost doubling the tokens an A100 can hold.',
  ],
};
