import type { Lesson } from './types';

export const chunkedPrefill: Lesson = {
  id: 'chunked-prefill',
  title: 'Long prompts and chunked prefill',
  body: [
    'Choose the long-prompts workload: prompts of 150 to 400 tokens (the model resumes one of its own long answers), short and long answers mixed. Without chunking, each newcomer’s whole prompt runs in one step beside the running decodes, and that step takes as long as all its tokens: every decode in it waits.',
    'Turn on chunked prefill with the budget the page proposes (the sweep’s knee on a GPU, a few dozen tokens where nothing is flat). In the grid a prompt’s yellow now spreads over several iterations while the blue decodes go on; in the numbers the p99 time per output token (TPOT) and inter-token gaps fall, and the first token of a long prompt comes later: Sarathi-Serve’s trade.',
    'The budget matters: on a device where every token costs time, a budget larger than the average step only makes every step longer.',
  ],
};
