"""Rows of many questions after one shared prefix: copy practice behind a preamble at a fraction of the cost.

A row holds one prefix (a preamble, or its first words: BOS alone up to the whole of it) and then as many
questions as fit, each with its answer's first tokens. Every question attends to the prefix and to itself only,
at the positions it would have right after the prefix (model.forward_packed's `parent`), so it is computed
exactly as `prefix + question` alone, the way a server with prefix caching computes it. One 448-token row then
trains ~20 questions behind a 283-token preamble (more behind a shorter prefix) instead of one.

Why (public/models/README.md, "count-down after a preamble"): the stage-1 model copies the start number of
`Count down from <n>:` with layer 0's attention from `:` to the token before it; `:` had only ever seen keys a
few positions away, and behind a preamble its queries find preamble tokens 40-180 positions back instead (the
attention it gives the number drops from ~0.9 to ~0.0). Only examples with keys at every distance teach it to
ignore them, and the loss that teaches it is on the answer's first token: long answers add little.

`/usr/bin/python3 tools/train/shared_prefix.py` checks that a row computes each question exactly as alone.
"""
import random

import torch


class SharedPrefixSampler:
    def __init__(self, base_train, preambles, cuts, weights, rows, row_len, keep, seed, full=0.5, starts=None):
        """base_train: {task: [(ids, n_prompt)]} of the base tasks (ids start with BOS); preambles: token lists
        (BOS first); cuts: for each, where it may be cut (before each word, and its end); weights: {task: w}
        over the base tasks asked after the prefix; rows: rows per step of row_len positions; keep: answer
        tokens kept (the whole answer and EOS when it is no longer); full: share of rows with a whole preamble."""
        self.train, self.pre, self.cuts = base_train, preambles, cuts
        self.tasks = [t for t in weights if base_train.get(t)]
        self.weights = [weights[t] for t in self.tasks]
        self.rows, self.row_len, self.keep, self.seed, self.full = rows, row_len, keep, seed, full
        self.by_start = None
        if starts is not None and 'count_from' in self.tasks:
            groups = {}
            for ex, a in zip(base_train['count_from'], starts):
                groups.setdefault(a, []).append(ex)
            self.by_start = [groups[a] for a in sorted(groups)]
        assert max(len(p) for p in preambles) + 16 <= row_len

    def _question(self, task, rng):
        if task == 'count_from' and self.by_start:
            ids, n = rng.choice(rng.choice(self.by_start))
        else:
            ids, n = rng.choice(self.train[task])
        return ids[1:n + self.keep], n - 1  # without BOS (the prefix has it); the question's length

    def draw(self, step):
        """[(prefix ids, [(task index, question+answer ids, question length)])] for one step."""
        rng = random.Random(self.seed * 1_000_003 + step + 500_009)
        out = []
        for _ in range(self.rows):
            k = rng.randrange(len(self.pre))
            cut = len(self.pre[k]) if rng.random() < self.full else rng.choice(self.cuts[k])
            prefix = self.pre[k][:cut]
            fill, qs = len(prefix), []
            while True:
                task = rng.choices(range(len(self.tasks)), self.weights)[0]
                ids, q = self._question(self.tasks[task], rng)
                if fill + len(ids) - 1 > self.row_len:
                    break
                qs.append((task, ids, q))
                fill += len(ids) - 1
            out.append((prefix, qs))
        return out

    def batch(self, step, task_offset=0):
        """(tokens, targets, pos, seg, loss_mask, task_of, parent), each (rows, row_len)."""
        drawn = self.draw(step)
        R, T = len(drawn), self.row_len
        tokens = torch.zeros(R, T, dtype=torch.long)
        targets = torch.zeros(R, T, dtype=torch.long)
        pos = torch.zeros(R, T, dtype=torch.long)
        seg = torch.full((R, T), -1, dtype=torch.long)
        parent = torch.full((R, T), -1, dtype=torch.long)
        loss_mask = torch.zeros(R, T, dtype=torch.bool)
        task_of = torch.full((R, T), -1, dtype=torch.long)
        for r, (prefix, qs) in enumerate(drawn):
            P = len(prefix)
            tokens[r, :P] = torch.tensor(prefix)
            pos[r, :P] = torch.arange(P)
            seg[r, :P] = 0
            parent[r, :P] = 0
            fill = P
            for b, (task, ids, q) in enumerate(qs, start=1):
                n = len(ids) - 1  # inputs ids[:-1] predict ids[1:]; the prefix's last token predicts ids[0]
                sl = slice(fill, fill + n)
                tokens[r, sl] = torch.tensor(ids[:-1])
                targets[r, sl] = torch.tensor(ids[1:])
                pos[r, sl] = torch.arange(P, P + n)
                seg[r, sl] = b
                parent[r, sl] = 0
                loss_mask[r, fill + q - 1:fill + n] = True  # from the prediction of the answer's first token
                task_of[r, sl] = task + task_offset
                fill += n
        return tokens, targets, pos, seg, loss_mask, task_of, parent


def check(step=5, rows=3):
    """Every question of a shared-prefix row gets the logits it gets after its prefix alone (random weights)."""
    import os
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    from data import preamble_tokens, tokenized_splits
    from model import Config, Llama
    from tokenizer import Tokenizer
    torch.manual_seed(0)
    tok = Tokenizer.load(os.path.join(here, '..', '..', 'public', 'models', 'batchscope-tiny.tok.bin'), 1024)
    splits, tokd = tokenized_splits(tok)
    pre, cuts = preamble_tokens(tok)
    weights = {'count_down': 0.5, 'count_from': 0.3, 'capital': 0.2}
    sampler = SharedPrefixSampler({t: tokd[t]['train'] for t in weights}, pre, cuts, weights, rows, 448, 3, 1337)
    model = Llama(Config()).eval()
    tokens, targets, pos, seg, mask, _, parent = sampler.batch(step)
    worst, n = 0.0, 0
    with torch.no_grad():
        logits = model.logits(model.forward_packed(tokens, pos, seg, parent))
        for r, (prefix, qs) in enumerate(sampler.draw(step)):
            fill = len(prefix)
            for _, ids, q in qs:
                full = prefix + ids
                T = len(full)
                h = model.hidden(torch.tensor([full]), torch.arange(T)[None], torch.ones(T, T, dtype=torch.bool).tril()[None, None])
                worst = max(worst, float((model.logits(h[0, len(prefix):-1]) - logits[r, fill:fill + len(ids) - 1]).abs().max()))
                assert targets[r, fill:fill + len(ids) - 1].tolist() == ids[1:]
                assert mask[r, fill:fill + len(ids) - 1].tolist() == [j >= q - 1 for j in range(len(ids) - 1)]
                fill += len(ids) - 1
                n += 1
    print('%d questions after %d prefixes: max |logit(shared row) - logit(alone)| = %.2e' % (n, rows, worst))
    assert worst < 1e-4


if __name__ == '__main__':
    check()
