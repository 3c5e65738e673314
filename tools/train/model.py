"""The llama2.c Llama in PyTorch 1.13 (no scaled_dot_product_attention: attention is written out).

Computes exactly what llama2.c's run.c computes: pre-norm RMSNorm (eps 1e-5), RoPE on interleaved pairs
(i, i+1) of each head with freq = 1 / 10000^((i % head_size) / head_size), causal attention scaled by
1/sqrt(head_size), grouped-query attention (query head h reads kv head h // (n_heads / n_kv_heads)), SwiGLU FFN
w2(silu(w1 x) * (w3 x)), final RMSNorm, classifier tied to the token embedding.

With n_experts > 0 every layer's FFN is a mixture of experts (MoEFeedForward): a router (E logits per token),
token-choice top-k, the k weights renormalised to sum to 1, each expert a SwiGLU FFN of hidden_dim, the outputs
combined with those weights. The router's statistics of the last forward are kept for the load-balancing loss.

Training packs several examples into one row: `seg` gives each token its example id (-1 = padding) and `pos`
its position inside its example, so an example attends only to itself and is computed exactly as if alone.
Several examples may also continue one shared prefix (`parent`), each computed as if it followed the prefix alone.
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    dim: int = 128
    hidden_dim: int = 320
    n_layers: int = 4
    n_heads: int = 8
    n_kv_heads: int = 4
    vocab_size: int = 1024
    seq_len: int = 512
    n_experts: int = 0  # 0: dense FFN (llama2.c); > 0: a mixture of n_experts SwiGLU experts per layer
    top_k: int = 0      # experts per token (token-choice routing) when n_experts > 0

    @property
    def head_size(self):
        return self.dim // self.n_heads

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rope_tables(pos, head_size):
    """cos, sin of angle pos * freq_i for pair i: (..., head_size/2)."""
    i = torch.arange(0, head_size, 2, dtype=torch.float64)
    freq = 1.0 / (10000.0 ** (i / head_size))
    ang = pos.to(torch.float64).unsqueeze(-1) * freq
    return torch.cos(ang).float(), torch.sin(ang).float()


def apply_rope(x, cos, sin):
    """x: (B, heads, T, head_size); cos/sin: (B, 1, T, head_size/2). Rotates interleaved pairs (2i, 2i+1)."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)


class Attention(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        hs, kv_dim = c.head_size, c.n_kv_heads * c.head_size
        self.wq = nn.Linear(c.dim, c.dim, bias=False)
        self.wk = nn.Linear(c.dim, kv_dim, bias=False)
        self.wv = nn.Linear(c.dim, kv_dim, bias=False)
        self.wo = nn.Linear(c.dim, c.dim, bias=False)

    def forward(self, x, cos, sin, mask, cache=None):
        B, T, _ = x.shape
        c = self.c
        hs = c.head_size
        q = self.wq(x).view(B, T, c.n_heads, hs).transpose(1, 2)      # (B, H, T, hs)
        k = self.wk(x).view(B, T, c.n_kv_heads, hs).transpose(1, 2)   # (B, KV, T, hs)
        v = self.wv(x).view(B, T, c.n_kv_heads, hs).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if cache is not None:  # incremental decoding: cache = dict with 'k', 'v' of earlier positions
            if 'k' in cache:
                k = torch.cat((cache['k'], k), dim=2)
                v = torch.cat((cache['v'], v), dim=2)
            cache['k'], cache['v'] = k, v
        rep = c.n_heads // c.n_kv_heads
        k = k.repeat_interleave(rep, dim=1)                             # (B, H, S, hs)
        v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)                # (B, H, T, S)
        att = att.masked_fill(~mask, float('-inf'))
        y = F.softmax(att, dim=-1) @ v                                  # (B, H, T, hs)
        return self.wo(y.transpose(1, 2).reshape(B, T, c.dim))


class FeedForward(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.w1 = nn.Linear(c.dim, c.hidden_dim, bias=False)
        self.w2 = nn.Linear(c.hidden_dim, c.dim, bias=False)
        self.w3 = nn.Linear(c.dim, c.hidden_dim, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


def route(logits, k):
    """Token-choice routing: (N, E) router logits -> softmax probabilities (N, E), the top-k experts (N, k)
    in descending order and their weights (N, k) renormalised to sum to 1 (= a softmax over the k chosen logits,
    as Mixtral computes it)."""
    probs = F.softmax(logits, dim=-1)
    top_p, top_i = probs.topk(k, dim=-1)
    return probs, top_i, top_p / top_p.sum(-1, keepdim=True)


class MoEFeedForward(nn.Module):
    """E SwiGLU experts w2[e](silu(w1[e] x) * (w3[e] x)); each token runs only its top-k experts."""

    def __init__(self, c: Config):
        super().__init__()
        self.k = c.top_k
        self.router = nn.Linear(c.dim, c.n_experts, bias=False)
        self.w1 = nn.Parameter(torch.empty(c.n_experts, c.hidden_dim, c.dim))
        self.w2 = nn.Parameter(torch.empty(c.n_experts, c.dim, c.hidden_dim))
        self.w3 = nn.Parameter(torch.empty(c.n_experts, c.hidden_dim, c.dim))
        self.last = None  # (probs (N, E), top_i (N, k)) of the last forward, for the balancing loss

    def forward(self, x):
        shape = x.shape
        x = x.reshape(-1, shape[-1])                                    # (N, dim)
        probs, top_i, top_w = route(self.router(x), self.k)
        self.last = (probs, top_i)
        out = torch.zeros_like(x)
        for e in range(self.w1.shape[0]):  # gather the tokens routed to e, run e on them, scatter-add back
            tok, slot = (top_i == e).nonzero(as_tuple=True)
            if tok.numel() == 0:
                continue
            xe = x[tok]                                                 # (n_e, dim)
            h = F.silu(xe @ self.w1[e].t()) * (xe @ self.w3[e].t())     # (n_e, hidden)
            out.index_add_(0, tok, (h @ self.w2[e].t()) * top_w[tok, slot].unsqueeze(-1))
        return out.view(shape)


def balance_loss(probs, top_i, keep):
    """Switch Transformer's load-balancing loss over the tokens in `keep` (N,) bool: E * sum_e f_e * P_e, with
    f_e the fraction of routing slots given to expert e and P_e its mean router probability (1.0 when even)."""
    probs, top_i = probs[keep], top_i[keep]
    E = probs.shape[-1]
    f = F.one_hot(top_i, E).float().sum((0, 1)) / top_i.numel()
    return E * (f * probs.mean(0)).sum()


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.attention_norm = RMSNorm(c.dim)
        self.attention = Attention(c)
        self.ffn_norm = RMSNorm(c.dim)
        self.feed_forward = MoEFeedForward(c) if c.n_experts else FeedForward(c)

    def forward(self, x, cos, sin, mask, cache=None):
        x = x + self.attention(self.attention_norm(x), cos, sin, mask, cache)
        return x + self.feed_forward(self.ffn_norm(x))


class Llama(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.tok_embeddings = nn.Embedding(c.vocab_size, c.dim)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.n_layers))
        self.norm = RMSNorm(c.dim)
        self.apply(self._init)
        for name, p in self.named_parameters():  # scaled init of the residual projections (GPT-2 style)
            if name.endswith('wo.weight') or name.endswith('w2.weight'):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * c.n_layers))
            elif c.n_experts and (name.endswith('feed_forward.w1') or name.endswith('feed_forward.w3')):
                nn.init.normal_(p, mean=0.0, std=0.02)
            elif c.n_experts and name.endswith('feed_forward.w2'):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * c.n_layers))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def n_params(self):
        return sum(p.numel() for p in self.parameters())

    def hidden(self, tokens, pos, mask, caches=None):
        """tokens, pos: (B, T) int64; mask: (B, 1, T, S) bool. Returns final-normed hidden states (B, T, dim)."""
        cos, sin = rope_tables(pos, self.c.head_size)
        cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
        x = self.tok_embeddings(tokens)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, mask, None if caches is None else caches[i])
        return self.norm(x)

    def logits(self, h):
        return h @ self.tok_embeddings.weight.t()

    def forward_packed(self, tokens, pos, seg, parent=None):
        """Packed rows: token t attends to s iff s <= t and s belongs to t's example (seg) or to its shared
        prefix (`parent`: the seg of the prefix t's example continues, or t's own seg when it has none).
        Padding (seg -1) sees itself."""
        T = tokens.shape[1]
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        same = seg.unsqueeze(2) == seg.unsqueeze(1)                     # (B, T, T)
        if parent is not None:
            same = same | (parent.unsqueeze(2) == seg.unsqueeze(1))
        eye = torch.eye(T, dtype=torch.bool)
        mask = ((same & causal) | eye).unsqueeze(1)
        return self.hidden(tokens, pos, mask)

    @torch.no_grad()
    def generate_greedy(self, prompts, max_new, eos=2):
        """Greedy decoding of a batch of equal-length prompts with a KV cache. Returns lists of new tokens
        (each ends with EOS when EOS was produced, and never continues past it)."""
        B, P = len(prompts), len(prompts[0])
        assert all(len(p) == P for p in prompts)
        caches = [dict() for _ in self.layers]
        tok = torch.tensor(prompts, dtype=torch.long)
        pos = torch.arange(P).expand(B, P)
        mask = torch.ones(P, P, dtype=torch.bool).tril().expand(B, 1, P, P)
        h = self.hidden(tok, pos, mask, caches)[:, -1]
        out = [[] for _ in range(B)]
        done = [False] * B
        for step in range(max_new):
            nxt = self.logits(h).argmax(-1)
            for b in range(B):
                if not done[b]:
                    out[b].append(int(nxt[b]))
                    done[b] = int(nxt[b]) == eos
            if all(done) or P + step + 1 >= self.c.seq_len:
                break
            S = P + step + 1
            h = self.hidden(nxt.view(B, 1), torch.full((B, 1), S - 1), torch.ones(B, 1, 1, S, dtype=torch.bool),
                            caches)[:, -1]
        return out
