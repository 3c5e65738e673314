"""Turns the dense batchscope-tiny into the starting point of a mixture-of-experts model ("MoEfication").

  /usr/bin/python3 tools/train/upcycle.py --experts 8 --hidden-dim 64 --out tools/train/out-moe-init/init.pt

Training an MoE model from scratch with the dense recipe (1,600 steps) would take many hours on a shared 2-core
machine, so the MoE models start from the dense one and are fine-tuned (train.py --init):
- embeddings, attention, norms are copied;
- each layer's 320 FFN neurons are split into E groups of equal size by how they fire together: every neuron is
  described by its |activation| over a few thousand training tokens, and a balanced spherical k-means groups
  neurons that are active on the same tokens (MoEfication, Zhang et al. 2022);
- expert e holds group e's neurons (w1 and w3 rows, w2 columns) and hidden_dim - group size fresh neurons
  (w1/w3 random, w2 zero: they add nothing until trained); its w2 is scaled by top_k, since the k renormalised
  routing weights are about 1/k each;
- the router starts as the least-squares map from the FFN input to each group's share of the activation mass,
  so a token is first routed to the groups that carried most of its dense FFN.
The result is not the dense model (a token gets only top_k / E of the neurons): fine-tuning recovers the tasks.
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import PackedSampler, tokenized_splits  # noqa: E402
from export import load_checkpoint_bin  # noqa: E402
from model import Config, Llama  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402  (path set up by data)

DENSE = os.path.join(HERE, '..', '..', 'public', 'models', 'batchscope-tiny.bin')


def ffn_inputs(dense, sampler, steps):
    """The normed FFN input of every real token of `steps` training batches, per layer: [(N, dim)]."""
    xs = [[] for _ in dense.layers]
    hooks = [layer.feed_forward.register_forward_hook(lambda m, inp, out, l=l: xs[l].append(inp[0]))
             for l, layer in enumerate(dense.layers)]
    with torch.no_grad():
        for step in range(steps):
            for tokens, _, pos, seg, _, _ in sampler.batch(10_000_000 + step):  # batches training never draws
                n = len(xs[0])
                dense.forward_packed(tokens, pos, seg)
                keep = (seg >= 0).view(-1)
                for l in range(len(xs)):
                    xs[l][n] = xs[l][n].reshape(-1, xs[l][n].shape[-1])[keep]
    for h in hooks:
        h.remove()
    return [torch.cat(x) for x in xs]


def balanced_groups(profile, E, iters=25, seed=0):
    """Spherical k-means of neuron profiles (neurons, N) into E groups of exactly neurons / E each."""
    n = profile.shape[0]
    size = n // E
    p = F.normalize(profile, dim=1)
    g = torch.Generator().manual_seed(seed)
    cent = p[torch.randperm(n, generator=g)[:E]]
    for _ in range(iters):
        sim = p @ cent.t()                                              # (neurons, E)
        assign = torch.full((n,), -1, dtype=torch.long)
        left = [size] * E
        # most decided neurons first, each to its best group with room left
        order = (sim.max(1).values - sim.mean(1)).argsort(descending=True)
        for i in order.tolist():
            for e in sim[i].argsort(descending=True).tolist():
                if left[e]:
                    assign[i] = e
                    left[e] -= 1
                    break
        cent = F.normalize(torch.stack([p[assign == e].mean(0) for e in range(E)]), dim=1)
    return [torch.nonzero(assign == e).view(-1) for e in range(E)]


def upcycle(dense, c: Config, x_by_layer, seed):
    torch.manual_seed(seed)
    moe = Llama(c)
    sd = moe.state_dict()
    for k, v in dense.state_dict().items():
        if '.feed_forward.' not in k:
            sd[k] = v.clone()
    for l, layer in enumerate(dense.layers):
        ff, x = layer.feed_forward, x_by_layer[l]
        with torch.no_grad():
            act = (F.silu(x @ ff.w1.weight.t()) * (x @ ff.w3.weight.t())).abs()   # (N, 320)
        groups = balanced_groups(act.t(), c.n_experts, seed=seed + l)
        pre = 'layers.%d.feed_forward.' % l
        w1, w2, w3 = sd[pre + 'w1'], sd[pre + 'w2'], sd[pre + 'w3']
        for e, idx in enumerate(groups):
            m = len(idx)
            w1[e, :m] = ff.w1.weight[idx]
            w3[e, :m] = ff.w3.weight[idx]
            w2[e] = 0.0
            w2[e, :, :m] = c.top_k * ff.w2.weight[:, idx]
        # router: least squares from x to each group's share of |activation| (standardised), then scaled so the
        # logits spread about as much as the targets
        share = torch.stack([act[:, idx].sum(1) for idx in groups], 1)
        share = share / share.sum(1, keepdim=True)
        target = (share - share.mean(0)) / (share.std(0) + 1e-6)
        sol = torch.linalg.lstsq(x, target).solution                   # (dim, E)
        sd[pre + 'router.weight'] = sol.t().contiguous()
    moe.load_state_dict(sd)
    return moe


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dense', default=DENSE)
    ap.add_argument('--experts', type=int, default=8)
    ap.add_argument('--top-k', type=int, default=2)
    ap.add_argument('--hidden-dim', type=int, default=64)
    ap.add_argument('--sample-steps', type=int, default=2, help='training batches whose tokens profile the neurons')
    ap.add_argument('--seed', type=int, default=1337)
    ap.add_argument('--out', default=os.path.join(HERE, 'out-moe-init', 'init.pt'))
    args = ap.parse_args()
    torch.set_num_threads(1)
    dense = load_checkpoint_bin(args.dense)
    d = dense.c
    assert d.hidden_dim % args.experts == 0 and d.hidden_dim // args.experts <= args.hidden_dim
    c = Config(dim=d.dim, hidden_dim=args.hidden_dim, n_layers=d.n_layers, n_heads=d.n_heads,
               n_kv_heads=d.n_kv_heads, vocab_size=d.vocab_size, seq_len=d.seq_len, n_experts=args.experts,
               top_k=args.top_k)
    tok = Tokenizer.load(args.dense.replace('.bin', '.tok.bin'), d.vocab_size)
    splits, tokd = tokenized_splits(tok)
    train = {t: v['train'] for t, v in tokd.items()}
    sampler = PackedSampler(train, 3072, [64, 128, 224, 448], args.seed)
    moe = upcycle(dense, c, ffn_inputs(dense, sampler, args.sample_steps), args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)  # a fresh clone has no out folder
    torch.save({'model': moe.state_dict(), 'config': c.to_dict(), 'from': os.path.basename(args.dense)}, args.out)
    print('wrote %s: %d params, %s' % (args.out, moe.n_params(), c))


if __name__ == '__main__':
    main()
