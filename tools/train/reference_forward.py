"""A NumPy re-implementation of llama2.c's run.c forward pass, reading the .bin directly (float64 math).

It validates the export two ways:
  1. on the external stories260K checkpoint it must reproduce llama2.c's own greedy output (proves this reader
     and forward match the reference C implementation);
  2. on batchscope-tiny its logits must equal the PyTorch model's (loaded independently by export.py) within 1e-4.

  /usr/bin/python3 tools/train/reference_forward.py            # both checks
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'corpus'))
from export import read_checkpoint_bin  # noqa: E402
from tokenizer import BOS, Tokenizer  # noqa: E402

STORIES = os.path.join(ROOT, '..', 'shared', 'models', 'stories260K')


class RunC:
    """State of one sequence: key/value caches (layer, seq_len, kv_dim), as in run.c."""

    def __init__(self, path):
        self.c, w = read_checkpoint_bin(path)
        self.w = {k: v.astype(np.float64) for k, v in w.items()}
        c = self.c
        kv_dim = c.n_kv_heads * c.head_size
        self.key_cache = np.zeros((c.n_layers, c.seq_len, kv_dim))
        self.value_cache = np.zeros((c.n_layers, c.seq_len, kv_dim))
        self.routed = [[] for _ in range(c.n_layers)]  # MoE: each forward's top-k experts, per layer

    @staticmethod
    def rmsnorm(x, weight):
        return weight * (x / np.sqrt(np.mean(x * x) + 1e-5))

    def forward(self, token, pos):
        c, w = self.c, self.w
        hs = c.head_size
        kv_dim = c.n_kv_heads * hs
        kv_mul = c.n_heads // c.n_kv_heads
        x = w['token_embedding'][token].copy()                          # (dim,)
        # RoPE: pair (i, i+1) of each head, freq = 1/10000^((i % head_size)/head_size)
        i = np.arange(0, c.dim, 2)
        ang = pos * (1.0 / 10000.0 ** ((i % hs) / hs))
        fcr, fci = np.cos(ang), np.sin(ang)
        for l in range(c.n_layers):
            xb = self.rmsnorm(x, w['rms_att'][l])
            q = w['wq'][l] @ xb                                         # (dim,)
            k = w['wk'][l] @ xb                                         # (kv_dim,)
            v = w['wv'][l] @ xb
            for vec, n in ((q, c.dim), (k, kv_dim)):
                v0, v1 = vec[0:n:2].copy(), vec[1:n:2].copy()
                vec[0:n:2] = v0 * fcr[:n // 2] - v1 * fci[:n // 2]
                vec[1:n:2] = v0 * fci[:n // 2] + v1 * fcr[:n // 2]
            self.key_cache[l, pos] = k
            self.value_cache[l, pos] = v
            out = np.zeros(c.dim)
            for h in range(c.n_heads):
                kh = (h // kv_mul) * hs
                qh = q[h * hs:(h + 1) * hs]
                att = self.key_cache[l, :pos + 1, kh:kh + hs] @ qh / np.sqrt(hs)   # (pos+1,)
                att = np.exp(att - att.max())
                att /= att.sum()
                out[h * hs:(h + 1) * hs] = att @ self.value_cache[l, :pos + 1, kh:kh + hs]
            x = x + w['wo'][l] @ out
            xb = self.rmsnorm(x, w['rms_ffn'][l])
            x = x + (self.moe_ffn(l, xb) if c.n_experts else self.ffn(w['w1'][l], w['w2'][l], w['w3'][l], xb))
        x = self.rmsnorm(x, w['rms_final'])
        return w['wcls'] @ x                                            # (vocab,)


def _ffn(w1, w2, w3, xb):
    h1 = w1 @ xb
    h3 = w3 @ xb
    return w2 @ ((h1 / (1 + np.exp(-h1))) * h3)


def _moe_ffn(self, l, xb):
    """Token-choice routing: the top_k router logits (ties to the lower expert), their softmax as weights."""
    w = self.w
    logits = w['router'][l] @ xb                                        # (n_experts,)
    top = np.argsort(-logits, kind='stable')[:self.c.top_k]
    p = np.exp(logits[top] - logits[top[0]])
    p /= p.sum()
    self.routed[l].append(top.tolist())
    return sum(pj * _ffn(w['w1'][l, e], w['w2'][l, e], w['w3'][l, e], xb) for pj, e in zip(p, top))


RunC.ffn = staticmethod(_ffn)
RunC.moe_ffn = _moe_ffn


def generate_greedy(model, tokens, steps, stop=None):
    """run.c's generate loop at temperature 0: `steps` forward passes (positions 0..steps-1), prompt included; stops before BOS
    (and after `stop`, e.g. EOS, when given). Returns all tokens (prompt first)."""
    tokens = list(tokens)
    pos = 0
    while pos < steps:
        logits = model.forward(tokens[pos], pos)
        if pos + 1 < len(tokens):
            pos += 1
            continue
        nxt = int(np.argmax(logits))
        if nxt == BOS:
            break
        tokens.append(nxt)
        pos += 1
        if stop is not None and nxt == stop:
            break
    return tokens


def check_stories260k():
    model = RunC(os.path.join(STORIES, 'stories260K.bin'))
    tok = Tokenizer.load(os.path.join(STORIES, 'tok512.bin'), model.c.vocab_size)
    prompt = open(os.path.join(STORIES, 'reference', 'greedy', 'prompt1.prompt')).read()
    want = open(os.path.join(STORIES, 'reference', 'greedy', 'prompt1.txt')).read()
    out = generate_greedy(model, tok.encode(prompt), 200)
    text = tok.decode(out[1:], prev=BOS) + '\n'
    ok = text == want
    print('stories260K greedy prompt1: %s (%d tokens)' % ('MATCHES reference' if ok else 'DIFFERS', len(out)))
    if not ok:
        print(repr(text[:300]), '\n', repr(want[:300]))
    return ok


def check_model(path, prompts, tok_path=None):
    import torch
    from export import load_checkpoint_bin
    torch.set_num_threads(2)
    ref = RunC(path)
    tok = Tokenizer.load(tok_path or path.replace('.bin', '.tok.bin'), ref.c.vocab_size)
    pt = load_checkpoint_bin(path)
    worst = 0.0
    for prompt in prompts:
        ids = tok.encode(prompt)
        ref.key_cache[:] = 0
        ref.value_cache[:] = 0
        ref_logits = np.stack([ref.forward(t, p) for p, t in enumerate(ids)])
        T = len(ids)
        with torch.no_grad():
            h = pt.hidden(torch.tensor([ids]), torch.arange(T).view(1, T),
                          torch.ones(T, T, dtype=torch.bool).tril().view(1, 1, T, T))
            pt_logits = pt.logits(h)[0].double().numpy()
        err = float(np.abs(ref_logits - pt_logits).max())
        worst = max(worst, err)
        print('  %-40r max |logit diff| %.2e  argmax %s' % (prompt, err,
              tok.pieces[int(np.argmax(ref_logits[-1]))]))
    ok = worst < 1e-4
    print('%s NumPy vs PyTorch: max diff %.2e -> %s' % (os.path.basename(path), worst, 'OK' if ok else 'FAIL'))
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=os.path.join(ROOT, 'public', 'models', 'batchscope-tiny.bin'))
    ap.add_argument('--skip-stories', action='store_true')
    ap.add_argument('--tokenizer', default=None, help='default: MODEL with .tok.bin (the MoE models share batchscope-tiny.tok.bin)')
    args = ap.parse_args()
    ok = True
    if not args.skip_stories:
        ok &= check_stories260k()
    ok &= check_model(args.model, ['What is the capital of California:', 'Count down from 12:',
                                   'Count from 3 to 9:', 'Repeat cat 4 times:', 'List the capitals from Utah:',
                                   'Count down from 7: 7 6 5'], args.tokenizer)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
