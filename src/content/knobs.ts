import type { Lesson } from './types';

export const knobs: Lesson = {
  id: 'knobs',
  title: 'What the knobs do',
  body: [
    'max_num_seqs is the number of batch slots (rows). max_num_batched_tokens caps the tokens one step may process, prompts and decodes together; a long prompt that does not fit waits, or is chunked when chunked prefill is on.',
    'waiting_served_ratio and max_waiting_tokens are TGI’s admission rules: new requests join a running batch only when enough of them can join at once, or when they have waited too many steps (TGI drops both rules when it chunks prefills, and so does batchscope). Prefill alone reproduces TGI’s habit of prefilling newcomers in a step of their own, which stalls the running decodes for that step; the merged batch then decodes before anyone else joins.',
    'The block size and the KV capacity set how much memory there is and how finely it is cut.',
  ],
};
