import type { Lesson } from './types';

export const compare: Lesson = {
  id: 'compare',
  title: 'Two runs, one difference',
  body: [
    'Compare runs the identical workload twice, with the same seed and model, changing one thing only: the batching strategy, the KV manager, the block size, chunked prefill, max_num_seqs or the KV capacity (choose it under Compare). Each side measures its own numbers.',
    'The ratio row names what differs and divides the second run by the first. Static vs continuous: throughput, latency and iterations. Contiguous vs paged: KV waste and how many slots memory lets run. Chunked prefill: time per output token and time to first token.',
    'On a compute-bound device (the CPU engine, or a GPU emulated in software) a measured throughput ratio stays near 1x; the row then shows what the cost model predicts for the same schedule on a GPU, and why.',
  ],
};
