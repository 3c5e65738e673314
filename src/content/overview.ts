import type { Lesson } from './types';

export const overview: Lesson = {
  id: 'overview',
  title: 'What you are watching',
  body: [
    'A small language model is answering a queue of requests. The engine runs in steps called iterations: each one runs the model once over every request in the batch and produces at most one new token per request.',
    'The batching strategy decides who is in the batch. Static batching keeps a batch together until its longest request ends. Continuous batching lets finished requests leave and waiting ones join at every iteration.',
    'Press Play, then switch the strategy while it runs and watch the idle, hatched cells appear or disappear.',
  ],
};
