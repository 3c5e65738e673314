import type { Lesson } from './types';

export const kvWaste: Lesson = {
  id: 'kv-waste',
  title: 'Three ways to waste KV memory',
  body: [
    'Every token a request has seen keeps its keys and values in the KV cache, so memory, not arithmetic, often caps how many requests fit in a batch.',
    'Reserved: space set aside for tokens the request will still write. Internal fragmentation: space set aside that will never be written, because the request ends before its maximum or its last block is only part full. External fragmentation: free space cut into gaps too small for the next request.',
    'The vLLM paper measured that earlier systems kept real token states in only 20–38% of their KV memory. The bar above the map shows the same split for this run.',
  ],
};
