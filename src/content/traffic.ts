import type { Lesson } from './types';

export const traffic: Lesson = {
  id: 'traffic',
  title: 'Why decode is bound by bytes',
  body: [
    'A decode step reads every weight of the model plus each request’s cached keys and values, and does about two operations per weight. A GPU computes hundreds of times faster than it fetches, so the step waits on memory: bytes moved set its time.',
    'The memory-traffic view counts those bytes per step, computed from the model’s shapes: weights (the same for any batch: why batching is nearly free), KV cache read and written (growing with each context), activations, and on the unfused path the attention scores.',
    'int8 weights cut the weight bytes 3.8x; an f16 or int8 KV cache cuts K/V bytes 2x or ~3.6x and fits that many more tokens in the same memory; fused attention never writes the scores. The view says what each saves on the current step.',
    'On the CPU engine (and an emulated GPU) the model sits in cache, so fewer bytes barely change a step’s time: the gain shows as more requests fitting in the KV budget and fewer preempted and recomputed: in the project’s benchmark (0.5 MiB of KV) the CPU engine serves about 1.3x the tokens per CPU-second with an int8 cache. On a GPU, and in the simulator, the step itself gets faster.',
  ],
};
