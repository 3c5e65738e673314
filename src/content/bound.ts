import type { Lesson } from './types';

export const bound: Lesson = {
  id: 'bound',
  title: 'Memory-bound and compute-bound',
  body: [
    'To produce one token the GPU must read every weight of the model from memory. With one request, the arithmetic is tiny next to that reading, so the step time is set by memory bandwidth.',
    'Batching reuses each weight read for every request in the step, so at first more requests cost almost no extra time: batching is nearly free. Once the arithmetic catches up with the reading (a GPU’s FLOP/s divided by its bytes/s, a few hundred tokens on most cards), step time starts to grow with the batch.',
    'The batch-size sweep measures this on your own GPU and marks the knee where batching stops being free.',
    'On a CPU (the engine this page falls back to without WebGPU) this model’s weights fit in the processor’s cache, so a step is bound by arithmetic from the first token. The CPU engine’s WebAssembly kernels still reuse each weight they load for up to four tokens of a step, so a token costs about a third less in a batch of 16 than alone, but step time keeps growing with the batch: continuous batching measures only about 1.0-1.2× static there, where a GPU on the same schedule would gain about 2×.',
  ],
};
