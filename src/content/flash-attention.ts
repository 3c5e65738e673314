import type { Lesson } from './types';

export const flashAttention: Lesson = {
  id: 'flash-attention',
  title: 'Fused attention (FlashAttention’s idea)',
  body: [
    'Attention scores every cached position for every query, softmaxes the scores and sums the values they weight. Done the textbook way, one kernel writes the score matrix to memory, one softmaxes it there, one reads it back: for a prompt of n tokens that is n × n entries per head and layer, bytes that grow with the context squared.',
    'The fused kernel keeps a running maximum and sum per query (an online softmax) and walks the keys and values once, so the scores never leave the chip: the same result (both are checked against the CPU engine) for far fewer bytes.',
    'In the memory-traffic view the curve under the bars is one prefill’s bytes against its length on both paths: a line and a parabola. Set Bytes per token → attention to unfused (WebGPU or the simulator) and watch the scores band grow on long prompts.',
  ],
};
