import type { Lesson } from './types';

export const paged: Lesson = {
  id: 'paged',
  title: 'Paged KV cache',
  body: [
    'A contiguous manager gives each request one unbroken range big enough for its longest possible answer, chosen before it starts. Most of that range is usually never used, and the free space between ranges fragments.',
    'A paged manager (PagedAttention, vLLM) cuts memory into small fixed blocks and hands a request a new block only when it needs one. Blocks need not be next to each other, so there is no external fragmentation, and waste is limited to the unfilled end of each request’s last block.',
    'That tail is about half a block per request, so its share depends on how long requests are. vLLM’s 16-token blocks waste under 4% of sequences hundreds of tokens long; this model’s answers are a few dozen tokens, so try blocks of 4 to see the same proportion.',
    'Switch the KV manager while the run plays and watch the map repack and more requests fit.',
  ],
};
