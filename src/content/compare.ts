import type { Lesson } from './types';

export const compare: Lesson = {
  id: 'compare',
  title: 'Static and continuous, side by side',
  body: [
    'Both sides serve the identical workload with the same seed, model and memory; only the batching strategy differs. Each side measures its own tokens per second and latencies.',
    'The ratio row divides continuous by static. With output lengths that vary a lot, continuous batching should finish the same work in far fewer iterations, with lower latency too.',
  ],
};
