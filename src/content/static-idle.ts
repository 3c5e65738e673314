import type { Lesson } from './types';

export const staticIdle: Lesson = {
  id: 'static-idle',
  title: 'Why static batching sits idle',
  body: [
    'Requests want very different numbers of tokens. In a static batch, a request that is done after three tokens keeps its slot until the longest one in the batch finishes, and nothing new can start there.',
    'Those are the hatched cells after each red END. The more the output lengths vary, the more of the batch is idle, and the further throughput falls behind a continuous batcher.',
    'Continuous (iteration-level) batching, introduced by Orca, checks for free slots at every iteration and fills them from the queue right away.',
  ],
};
