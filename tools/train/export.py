"""Exports a training checkpoint to llama2.c's legacy (version 0) checkpoint format, and reads one back.

  /usr/bin/python3 tools/train/export.py --ckpt tools/train/out/ckpt.pt --out public/models/batchscope-tiny.bin

Layout: 7 int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; vocab_size > 0 = the
classifier is the token embedding), then float32 little-endian: token_embedding [vocab, dim], rms_att [L, dim],
wq [L, dim, dim], wk [L, kv_dim, dim], wv [L, kv_dim, dim], wo [L, dim, dim], rms_ffn [L, dim],
w1 [L, hidden, dim], w2 [L, dim, hidden], w3 [L, hidden, dim], rms_final [dim],
freq_cis_real [seq_len, head_size/2], freq_cis_imag [seq_len, head_size/2].
Matrices are PyTorch Linear weights ([out, in]), so out[i] = sum_j W[i*in + j] x[j].

A mixture-of-experts model (Config.n_experts > 0) is written in batchscope's MoE extension (documented in
engine/model/checkpoint-moe.ts): the bytes b"bsmo", int32 version 1, the 7 llama2.c int32 fields (hidden_dim of one
expert), int32 n_experts, int32 top_k, zeros up to 64 bytes; then token_embedding, rms_att, wq, wk, wv, wo, rms_ffn,
router [L, E, dim], w1 [L, E, hidden, dim], w2 [L, E, dim, hidden], w3 [L, E, hidden, dim], rms_final, and wcls only
when vocab_size < 0; no rotary tables.
"""
import argparse
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import Config, Llama  # noqa: E402

MOE_MAGIC, MOE_VERSION, MOE_HEADER = b'bsmo', 1, 64
LAYER_TENSORS = [('attention_norm.weight', 'rms_att'), ('attention.wq.weight', 'wq'), ('attention.wk.weight', 'wk'),
                 ('attention.wv.weight', 'wv'), ('attention.wo.weight', 'wo'), ('ffn_norm.weight', 'rms_ffn'),
                 ('feed_forward.w1.weight', 'w1'), ('feed_forward.w2.weight', 'w2'),
                 ('feed_forward.w3.weight', 'w3')]


def freq_cis(c: Config):
    hs = c.head_size
    freqs = 1.0 / (10000.0 ** (np.arange(0, hs, 2)[: hs // 2].astype(np.float32) / hs))
    ang = np.outer(np.arange(c.seq_len, dtype=np.float32), freqs).astype(np.float32)
    return np.cos(ang), np.sin(ang)


MOE_LAYER_TENSORS = LAYER_TENSORS[:6] + [('feed_forward.router.weight', 'router'), ('feed_forward.w1', 'w1'),
                                         ('feed_forward.w2', 'w2'), ('feed_forward.w3', 'w3')]


def write_checkpoint_bin(model: Llama, path):
    c = model.c
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    if c.n_experts:
        with open(path, 'wb') as f:
            head = MOE_MAGIC + struct.pack('<i7i2i', MOE_VERSION, c.dim, c.hidden_dim, c.n_layers, c.n_heads,
                                           c.n_kv_heads, c.vocab_size, c.seq_len, c.n_experts, c.top_k)
            f.write(head + bytes(MOE_HEADER - len(head)))
            f.write(sd['tok_embeddings.weight'].astype('<f4').tobytes())
            for key, _ in MOE_LAYER_TENSORS:
                for i in range(c.n_layers):
                    f.write(sd['layers.%d.%s' % (i, key)].astype('<f4').tobytes())
            f.write(sd['norm.weight'].astype('<f4').tobytes())
        return
    with open(path, 'wb') as f:
        f.write(struct.pack('<7i', c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, c.vocab_size,
                            c.seq_len))
        f.write(sd['tok_embeddings.weight'].astype('<f4').tobytes())
        for key, _ in LAYER_TENSORS:  # each tensor for all layers, layer-major
            for i in range(c.n_layers):
                f.write(sd['layers.%d.%s' % (i, key)].astype('<f4').tobytes())
        f.write(sd['norm.weight'].astype('<f4').tobytes())
        real, imag = freq_cis(c)
        f.write(real.astype('<f4').tobytes())
        f.write(imag.astype('<f4').tobytes())


def read_checkpoint_bin(path):
    """-> (Config, {name: np.ndarray}) with names as in llama2.c (token_embedding, wq, ...), layers stacked."""
    with open(path, 'rb') as f:
        data = f.read()
    moe = data[:4] == MOE_MAGIC
    if moe:
        version, dim, hidden, L, H, KV, vocab, seq_len, E, k = struct.unpack('<i7i2i', data[4:44])
        assert version == MOE_VERSION, 'MoE checkpoint version %d' % version
        off = MOE_HEADER
    else:
        (dim, hidden, L, H, KV, vocab, seq_len), E, k, off = struct.unpack('<7i', data[:28]), 0, 0, 28
    shared = vocab > 0
    c = Config(dim=dim, hidden_dim=hidden, n_layers=L, n_heads=H, n_kv_heads=KV, vocab_size=abs(vocab),
               seq_len=seq_len, n_experts=E, top_k=k)
    hs, kv_dim = dim // H, KV * (dim // H)
    ffn = [('router', (L, E, dim)), ('w1', (L, E, hidden, dim)), ('w2', (L, E, dim, hidden)),
           ('w3', (L, E, hidden, dim))] if moe else [('w1', (L, hidden, dim)), ('w2', (L, dim, hidden)),
                                                     ('w3', (L, hidden, dim))]
    shapes = [('token_embedding', (c.vocab_size, dim)), ('rms_att', (L, dim)), ('wq', (L, dim, dim)),
              ('wk', (L, kv_dim, dim)), ('wv', (L, kv_dim, dim)), ('wo', (L, dim, dim)), ('rms_ffn', (L, dim))] + ffn + [
              ('rms_final', (dim,))]
    if not moe:
        shapes += [('freq_cis_real', (seq_len, hs // 2)), ('freq_cis_imag', (seq_len, hs // 2))]
    if not shared:
        shapes.append(('wcls', (c.vocab_size, dim)))
    w = {}
    for name, shape in shapes:
        n = int(np.prod(shape))
        w[name] = np.frombuffer(data, dtype='<f4', count=n, offset=off).reshape(shape)
        off += 4 * n
    assert off == len(data), 'trailing bytes: %d' % (len(data) - off)
    if shared:
        w['wcls'] = w['token_embedding']
    return c, w


def load_checkpoint_bin(path):
    """The .bin as a PyTorch Llama (tied classifier only)."""
    c, w = read_checkpoint_bin(path)
    model = Llama(c)
    sd = {'tok_embeddings.weight': w['token_embedding'], 'norm.weight': w['rms_final']}
    for key, name in (MOE_LAYER_TENSORS if c.n_experts else LAYER_TENSORS):
        for i in range(c.n_layers):
            sd['layers.%d.%s' % (i, key)] = w[name][i]
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in sd.items()})
    return model.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default=os.path.join(HERE, 'out', 'ckpt.pt'))
    ap.add_argument('--out', default=os.path.join(HERE, '..', '..', 'public', 'models', 'batchscope-tiny.bin'))
    args = ap.parse_args()
    ck = torch.load(args.ckpt)
    model = Llama(Config(**ck['config']))
    model.load_state_dict(ck['model'])
    write_checkpoint_bin(model, args.out)
    back = load_checkpoint_bin(args.out)
    for k, v in model.state_dict().items():
        assert torch.equal(v, back.state_dict()[k]), k
    print('wrote %s (%d bytes, step %d, %d params)' % (args.out, os.path.getsize(args.out), ck['step'],
                                                       model.n_params()))


if __name__ == '__main__':
    main()
