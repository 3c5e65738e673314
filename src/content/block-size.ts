import type { Lesson } from './types';

export const blockSize: Lesson = {
  id: 'block-size',
  title: 'Block size, scaled to these requests',
  body: [
    'A paged manager wastes only the unfilled end of each request’s last block: about half a block per request. What that costs depends on how long requests are.',
    'vLLM’s 16-token blocks waste under 4% on requests hundreds of tokens long. The built-in model’s requests are about 40 tokens, roughly ten times shorter, so the page starts with 2-token blocks: they play the role of vLLM’s 16 here, and paged waste lands under 5%.',
    'Try 16 under Memory: the same run then wastes about a fifth of its KV memory in half-empty last blocks, as vLLM would on requests this short. Contiguous reservation wastes far more either way.',
  ],
};
