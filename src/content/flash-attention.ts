import type { Lesson } from './types';

export const flashAttention: Lesson = {
  id: 'flash-attention',
  title: 'Fused attention (FlashAttention’s idea)',
  body: [
    'Attention scores every cached position for every query, softmaxes the scores and sums the values they weight. The textbook way runs that as separate kernels: one writes the whole score matrix to memory, one softmaxes it there, one reads it back to multiply V. For a prompt of n tokens that matrix has n × n entries per head and layer: its bytes grow with the context squared.',
    'The fused kernel keeps a running maximum and sum per query (an online softmax) and walks the keys and values once, so the scores never leave the chip. Same arithmetic, same result (both are checked against the CPU engine), far fewer bytes.',
    'Switch Bytes per token → attention to unfused on WebGPU or the simulator and watch the attention-scores band appear in the memory-traffic view, largest on long prompts. The simulator takes contexts to 32k positions, where the unfused matrix outweighs everything else the step reads (docs/benchmarks.md).',
  ],
};
