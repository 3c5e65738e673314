import type { Lesson } from './types';

export const experts: Lesson = {
  id: 'experts',
  title: 'Mixture of experts under batching',
  body: [
    'In a mixture-of-experts model each layer’s feed-forward network is split into experts, and a small router picks a few of them for every token: tiny-moe has 8 experts and each token uses 2 (Mixtral-8x7B does the same with much larger experts). Attention and the KV cache are those of a dense model.',
    'Each token chooses its experts ("token choice"). The alternative, each expert choosing its tokens ("expert choice"), balances the load perfectly but must see all the tokens it chooses from, future ones included; a decoder writes one token at a time and cannot wait for them, so decoders route by token choice, and whatever the router learned, even or lopsided, is what inference gets.',
    'A step reads each expert it runs once, for all the tokens routed to it. One token reads just its 2 experts, a quarter of the FFN weights; every extra token in the batch may wake another expert, so the weight bytes read per step grow with the batch until every expert is read. On a GPU, where decode is bound by those bytes, batching is therefore less free than for a dense model of the same active size, and the knee moves right (the cost model’s Mixtral on two H100s: about 1,100 tokens, against about 300 for Llama 2 13B).',
    'The strip under the grid shows, per iteration, how many tokens each expert got. A router that crowds tokens onto a few experts leaves the others idle while the step waits for the busiest one (with experts spread over GPUs, for the busiest GPU). tiny-moe was trained with a load-balancing loss (Switch Transformer’s), tiny-moe-unbalanced without it: the max/mean figure in Numbers shows the difference on the same workload.',
  ],
};
