import type { Topic } from '../store/slices';

/** The guided tour: one run, walked through view by view. `target` is a data-tour attribute. */
export interface TourStep {
  target: string | null;
  title: string;
  text: string;
  topic?: Topic;
}

export const TOUR: readonly TourStep[] = [
  {
    target: null,
    title: 'Welcome to batchscope',
    text: 'A real (tiny) language model runs in this page and serves a queue of requests. You will watch how the way requests are batched decides how much of the hardware does useful work.',
    topic: 'overview',
  },
  { target: 'transport', title: 'Run it', text: 'Play runs iterations continuously, Step runs one, Reset starts the same workload over. The pace menu sets how fast iterations are shown: a teaching pace by default, full speed to see how fast your device really is. Measured figures are the same at any pace.' },
  { target: 'grid', title: 'The grid', text: 'Each row is a batch slot, each column an iteration. Yellow is prompt work, blue a generated token, red the end of a request. Hatched cells are slots that did nothing.', topic: 'grid' },
  { target: 'strategy', title: 'Switch strategy live', text: 'Choose static and watch hatched cells pile up after each red END: the slot waits for the longest request of its batch. Switch back to continuous and new requests fill them at once.', topic: 'static-idle' },
  { target: 'kv-map', title: 'KV cache memory', text: 'Every block of the KV cache, coloured by what it holds. Switch the KV manager to contiguous to see reservations and fragmentation eat memory.', topic: 'kv-waste' },
  {
    target: 'prefix-caching',
    title: 'Share what requests have in common',
    text: 'With the system-prompt preset every request starts with the same preamble. Turn prefix caching on: requests after the first batch find its blocks already computed, the grid outlines those prompt tokens, the KV map frames the shared blocks, and Numbers give the hit rate.',
    topic: 'prefix-caching',
  },
  { target: 'numbers', title: 'Measured numbers', text: 'Tokens per second and latencies are measured on your machine as the run goes (or labelled simulated when the sim backend predicts them).', topic: 'overview' },
  { target: 'compare', title: 'Side by side', text: 'Compare runs static and continuous on the identical workload and shows the ratio between them.', topic: 'compare' },
  { target: 'export', title: 'Take it with you', text: 'Export a Perfetto trace, a CSV per iteration, the workload, or a picture of the grid. Import a trace to replay a run without a GPU.' },
];
