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
  { target: 'grid', title: 'The grid', text: 'Each row is a batch slot, each column an iteration. Yellow (lined like text) is prompt work, blue a generated token, red with a dot the end of a request. Hatched cells are slots that did nothing.', topic: 'grid' },
  {
    target: 'grid-mode',
    title: 'Token positions, as in Anyscale’s figure',
    text: 'Switch the columns to Tokens T1..Tn: each column is then a token position instead of an iteration, so a request reads as one line of prompt and generated tokens, and the request that takes over a slot continues its row. This is the picture from Anyscale’s post on continuous batching.',
    topic: 'grid',
  },
  { target: 'strategy', title: 'Switch strategy live', text: 'Choose static and watch hatched cells pile up after each red END: the slot waits for the longest request of its batch. Switch back to continuous and new requests fill them at once.', topic: 'static-idle' },
  {
    target: 'chunked-prefill',
    title: 'Chunked prefill',
    text: 'A long prompt prefilled in one step makes every running request wait for that step. With chunked prefill (Sarathi-Serve, vLLM) the scheduler runs the decodes first and feeds prompts in chunks into what is left of the token budget, so generation never stalls. Tick it, set max_num_batched_tokens to 64, and watch the yellow prompt cells spread over several iterations.',
    topic: 'prefill-decode',
  },
  { target: 'kv-map', title: 'KV cache memory', text: 'Every block of the KV cache, coloured by what it holds. Switch the KV manager to contiguous to see reservations and fragmentation eat memory.', topic: 'kv-waste' },
  {
    target: 'preemptions',
    title: 'Preemption',
    text: 'When the KV cache has no free block for a running request, vLLM preempts the newest one: its blocks are freed and it goes back to the queue, to be recomputed when memory frees up (purple hatched cells in the grid). This count says how often, and how many token positions were computed again. Lower the KV capacity to 256 tokens to watch it happen.',
    topic: 'knobs',
  },
  {
    target: 'prefix-caching',
    title: 'Share what requests have in common',
    text: 'With the system-prompt preset every request starts with the same preamble. Turn prefix caching on: requests after the first batch find its blocks already computed, the grid outlines those prompt tokens, the KV map frames the shared blocks, and Numbers give the hit rate.',
    topic: 'prefix-caching',
  },
  { target: 'numbers', title: 'Measured numbers', text: 'Tokens per second and latencies are measured on your machine as the run goes (or labelled simulated when the sim backend predicts them).', topic: 'overview' },
  {
    target: 'memory',
    title: 'Memory that limits the batch',
    text: 'The pool holds 768 token slots in 2-token blocks (vLLM’s 16, scaled to requests ten times shorter). Contiguous reservation sets aside each request’s maximum length, so only 3 of the 8 slots get a request and ~90% of the reserved memory is never written; paged blocks fill all 8 and waste ~2%. “Compare contiguous and paged” shows both at once.',
    topic: 'block-size',
  },
  { target: 'model', title: 'Mixture of experts', text: 'Choose tiny-moe and play: its feed-forward layers are 8 experts, of which each token uses 2. The strip under the grid shows which experts each iteration woke (each one woken is read from memory), and Numbers adds experts touched and how uneven the load is. tiny-moe-unbalanced was trained without the balancing loss: compare the two.', topic: 'experts' },
  { target: 'compare', title: 'Compare any one thing', text: 'Compare runs the identical workload twice, differing in one setting you choose in the ratio row: strategy, KV manager, block size, chunked prefill, max_num_seqs, KV capacity, prefix caching, or a number format. The row names what differs and divides the second run by the first.', topic: 'compare' },
  {
    target: 'compare',
    title: 'Honest ratios',
    text: 'On the CPU engine (or a GPU emulated in software) every token in a step costs arithmetic, so continuous batching measures near 1x here. Compare mode then shows, beside the measured ratio, what the cost model predicts for the same schedule on a GPU, and why they differ.',
    topic: 'device-ratio',
  },
  {
    target: 'workload',
    title: 'Long prompts',
    text: 'The long-prompts preset gives prompts of 150-400 tokens. Whole prompts stall the decodes beside them; chunked prefill at the budget the page proposes spreads each prompt over several iterations, lowering p99 time per output token and delaying first tokens.',
    topic: 'chunked-prefill',
  },
  { target: 'sweep', title: 'Where batching stops being free', text: 'Measure times one decode step at growing tokens per step and marks the knee by a stated rule. On the simulated A100 with OPT-13B it lands near 200 tokens (FLOPs / bandwidth); on the CPU engine there is no flat region, and the chart says why.', topic: 'bound' },
  { target: 'traffic', title: 'Bytes per step', text: 'Every step reads the weights and each request’s cached keys and values. This view counts those bytes, by kind, next to the step’s time: decode waits on memory, which is why batching (sharing the weight reads) pays.', topic: 'traffic' },
  { target: 'formats', title: 'Fewer bytes per token', text: 'Store the weights or the KV cache in int8, or switch attention to the unfused textbook path, and watch the bytes change. With the KV pool given in MiB, int8 fits ~3.6x the tokens, so more requests run at once.', topic: 'quantization' },
  { target: 'experiments-button', title: 'Anyscale’s experiment', text: 'Experiments runs Anyscale’s benchmark through this engine (simulated at full size, or measured here scaled down) and draws it like their chart, with what differs from their setup.', topic: 'anyscale' },
  { target: 'export', title: 'Take it with you', text: 'Export a Perfetto trace, a CSV per iteration, the workload, or a picture of the grid. Import a trace to replay a run without a GPU.' },
];
