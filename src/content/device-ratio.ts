import type { Lesson } from './types';

export const deviceRatio: Lesson = {
  id: 'device-ratio',
  title: 'Why the ratio depends on the device',
  body: [
    'Continuous batching keeps more slots busy. That becomes throughput only where a step costs about the same for 1 or 100 tokens: on a GPU, which reads every weight once per step whatever the batch, until its FLOPs catch up with its memory bandwidth.',
    'A CPU (or a GPU emulated on one, like SwiftShader) is compute-bound: each token in a step costs its own arithmetic, so running fewer sequences per step costs proportionally less and idle slots waste little time. There the measured ratio stays near 1x.',
    'So wherever the page shows a measured ratio from such a device, it shows beside it what the cost model predicts for the very same schedule on a GPU. The step-time sweep shows the difference directly: flat on a GPU up to its knee, rising from the first token here.',
  ],
};
