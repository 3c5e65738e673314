import type { Lesson } from './types';

export const anyscale: Lesson = {
  id: 'anyscale',
  title: 'Anyscale’s experiment',
  body: [
    'Anyscale served 1,000 requests of 512 prompt tokens with OPT-13B on one A100, output lengths exponential (mean 128) kept only under a cap: the higher the cap, the more the lengths vary. Continuous batching beat naive static batching by up to 8x, vLLM by 23x, and the gap grew with the variance.',
    'The Experiments view runs the same benchmark through this engine: on the simulated GPU at full size, or on this device scaled to the model. The gap widens with the cap here too, because a static batch idles until its longest answer ends, and paged KV fits more requests than contiguous reservation.',
    'The ratios stay smaller than Anyscale’s, and the view says why: their baseline was a slow naive implementation, while here every setup runs the same kernels, so only the scheduling differs.',
  ],
};
