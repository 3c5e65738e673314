import type { Lesson } from './types';

export const traffic: Lesson = {
  id: 'traffic',
  title: 'Why decode is bound by bytes',
  body: [
    'To produce one token, a decode step reads every weight of the model from memory, plus the cached keys and values of each request in the batch, and does only about two operations per weight it reads. A GPU can do a few hundred operations in the time it takes to fetch one number from memory, so the step waits on memory: its time is set by bytes moved, not by arithmetic.',
    'The memory-traffic view counts those bytes for every step, by kind, from the model’s shapes and number formats: the weights (the same whatever the batch, which is why batching is nearly free), the KV cache read and written (which grows with each request’s context), the activations passed between kernels, and on the unfused path the attention score matrix. Divide by the step’s tokens to see the cost per token fall as the batch grows.',
    'Three techniques cut those bytes. int8 weights read ~3.8x fewer weight bytes. An f16 or int8 KV cache reads 2x or ~3.6x fewer K/V bytes and fits that many more tokens in the same memory, so more requests run at once. Fused attention never writes the score matrix. The view says what each one saves on the step you are looking at.',
    'On this page’s CPU engine (and on a software-emulated GPU) the model is small enough to live in the processor’s cache, so fewer bytes barely change the time and decoding int8 costs a little arithmetic: there the gain shows as more requests fitting in the KV budget. On a real GPU, and in the simulator, fewer bytes make the step itself faster.',
  ],
};
