import type { Lesson } from './types';

export const prefillDecode: Lesson = {
  id: 'prefill-decode',
  title: 'Prefill and decode',
  body: [
    'A request starts with its prompt. Prefill runs all prompt tokens through the model in one go and writes their keys and values into the KV cache; it ends by sampling the first generated token.',
    'Decode then produces one token per iteration, each one reading every earlier token back from the KV cache. Prefill is many tokens of arithmetic at once; decode is one token per request and mostly waits on memory.',
    'When a long prompt joins a batch, its prefill can hold up the decodes of everyone else. Chunked prefill cuts the prompt into pieces so running requests keep producing tokens.',
  ],
};
