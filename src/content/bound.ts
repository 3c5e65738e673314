import type { Lesson } from './types';

export const bound: Lesson = {
  id: 'bound',
  title: 'Memory-bound and compute-bound',
  body: [
    'To produce one token the GPU must read every weight of the model from memory. With one request, the arithmetic is tiny next to that reading, so the step time is set by memory bandwidth.',
    'Batching reuses each weight read for every request in the step, so at first more requests cost almost no extra time: batching is nearly free. Once the arithmetic catches up with the reading (a GPU’s FLOP/s divided by its bytes/s, a few hundred tokens on most cards), step time starts to grow with the batch.',
    'The step-time sweep measures this on the engine you run and marks the knee by a stated rule: where a straight line through the steps that take at least twice the 1-token time meets the flat level. On the simulated T4 and A100 with OPT-13B it lands near 200 tokens per step, their FLOPs/bandwidth ratio (216 in the batching article’s T4 figure).',
    'On a CPU (the engine this page falls back to without WebGPU) this model’s weights fit in the processor’s cache, so a step is bound by arithmetic from the first token. The CPU engine’s WebAssembly kernels reuse each weight they load for up to four tokens of a step, so a token costs somewhat less in a batch than alone, but step time keeps growing with the batch; the chart says what it measured on your machine, flat region or not, and continuous batching measures only a little above static there, where a GPU on the same schedule gains about 2×.',
  ],
};
