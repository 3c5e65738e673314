import type { Lesson } from './types';

export const prefixCaching: Lesson = {
  id: 'prefix-caching',
  title: 'Shared KV blocks',
  body: [
    'Requests often start with the same tokens: a system prompt, a few-shot preamble, a chat history. A position’s keys and values depend only on the tokens up to it, so those positions hold the same K/V in every such request. Computing and storing them once per request is waste.',
    'Automatic prefix caching (vLLM) names each full KV block by its tokens, chained to the name of the block before it. A new request takes the longest run of named blocks its prompt starts with and prefills only the rest: the grid outlines those cached prompt tokens, which cost no compute. Blocks no request uses any more stay cached until memory is needed, least recently freed first.',
    'A shared block carries a count of the requests reading it: the KV map marks blocks with more than one reader, and Numbers show the hit rate, the prompt tokens computed against those served from the cache, and the memory sharing saves.',
    'Several completions of one prompt (parallel sampling) share it the same way: it is prefilled once, and the first completion to write into the shared, partly filled last block gets its own copy of it (copy-on-write).',
    'A contiguous reservation cannot share: every request computes and stores its own copy. Try the system-prompt preset with prefix caching off and then on, or compare the two side by side.',
  ],
};
