"""Tokenized training examples and the packed batch sampler.

An example is prompt tokens (BOS, dummy prefix, ...) + answer tokens + EOS. Rows of `row_len` tokens hold
several whole examples; the loss covers only the answer tokens and EOS. Batch number `step` is a pure function
of (seed, step), so a resumed run sees exactly the batches an uninterrupted run would.
"""
import os
import random
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'corpus'))
from tasks import build_splits, load_preambles  # noqa: E402
from tokenizer import EOS, Tokenizer  # noqa: E402

PREAMBLE_BASE = {'preamble_capital': 'capital', 'preamble_count_down': 'count_down', 'preamble_count_from': 'count_from'}

# Probability of drawing an example of each task (per example, not per token).
TASK_WEIGHTS = {'capital': 0.25, 'count_down': 0.30, 'count_from': 0.25, 'repeat': 0.12, 'list_capitals': 0.08}
# Stage 2 (train.py --mix preambles): the base tasks keep half the draws, so nothing is forgotten, and the
# preamble tasks take the other half.
PREAMBLE_TASK_WEIGHTS = {'capital': 0.12, 'count_down': 0.15, 'count_from': 0.12, 'repeat': 0.07, 'list_capitals': 0.04,
                         'preamble_capital': 0.2, 'preamble_count_down': 0.3}
# Stage 2b: after stage 2 (100 steps) the model answered capitals after any preamble but counted down from a
# memorised number instead of the one in the prompt; count_from after a preamble, drawn by start number as in
# stage 1, gives the copying practice (it is what taught stage 1 to copy the start number).
PREAMBLE_TASK_WEIGHTS_B = {'capital': 0.08, 'count_down': 0.12, 'count_from': 0.12, 'repeat': 0.05, 'list_capitals': 0.03,
                           'preamble_capital': 0.1, 'preamble_count_down': 0.25, 'preamble_count_from': 0.25}
# Stage 2b as run: half of the preamble examples cut short at a random word of the preamble (see PackedSampler),
# a curriculum from the base tasks' short prompts to the full preambles, and a gentler learning rate: with full
# preambles only and lr 1e-3 the copy of the start number was still not learned after 35 steps and the loss swung.
PREAMBLE_TASK_WEIGHTS_C = {'capital': 0.1, 'count_down': 0.12, 'count_from': 0.1, 'repeat': 0.05, 'list_capitals': 0.03,
                           'preamble_capital': 0.1, 'preamble_count_down': 0.3, 'preamble_count_from': 0.2}
# Stage 2 as shipped (from the base weights): count-down after a preamble was not learned in ~220 steps of the
# mixes above and one more weighted further towards it (the model counted down from a number of its own, and the
# base tasks began to regress), so this stage teaches capitals after a preamble only and keeps the base tasks at
# their stage-1 proportions (3/4 of the draws).
PREAMBLE_CAPITAL_WEIGHTS = {**{t: 0.75 * w for t, w in TASK_WEIGHTS.items()}, 'preamble_capital': 0.25}
# Stage 3 (count-down after a preamble, with train.py --shared-rows): the copy of the start number is practised
# in shared-prefix rows (shared_prefix.py); this packed part keeps the base tasks near their stage-1 proportions
# and adds whole answers after a preamble (count-down to its EOS, and capitals), so that counting on over
# 100-480 positions and stopping at 0 are trained too.
PREAMBLE_COPY_WEIGHTS = {'capital': 0.2, 'count_down': 0.24, 'count_from': 0.22, 'repeat': 0.1, 'list_capitals': 0.06,
                         'preamble_capital': 0.08, 'preamble_count_down': 0.1}
# Stage 3b (from 3a's step 90): 3a taught the copy behind a preamble, but the new copy won over the task too:
# `Repeat cat 13 times:` began ` 13 14 15 ...` (repeat 131/160). Repeat doubles here and is asked after the
# shared prefixes as well (train.py --shared-mix), so the question's first words must still pick the task.
PREAMBLE_COPY_B_WEIGHTS = {'capital': 0.16, 'count_down': 0.2, 'count_from': 0.2, 'repeat': 0.22, 'list_capitals': 0.06,
                           'preamble_capital': 0.08, 'preamble_count_down': 0.08}
MIXES = {'base': TASK_WEIGHTS, 'preambles': PREAMBLE_TASK_WEIGHTS, 'preambles-b': PREAMBLE_TASK_WEIGHTS_B,
         'preambles-c': PREAMBLE_TASK_WEIGHTS_C, 'preamble-capital': PREAMBLE_CAPITAL_WEIGHTS,
         'preamble-copy': PREAMBLE_COPY_WEIGHTS, 'preamble-copy-b': PREAMBLE_COPY_B_WEIGHTS}


def tokenized_splits(tok: Tokenizer):
    """{task: {'train': [(ids, n_prompt)], 'heldout': [...]}, with ids = prompt + answer + [EOS]."""
    splits = build_splits()
    out = {}
    for task, parts in splits.items():
        if task in PREAMBLE_BASE:
            continue
        out[task] = {}
        for split, items in parts.items():
            rows = []
            for _, prompt, answer in items:
                p = tok.encode(prompt)
                rows.append((p + tok.encode_answer(answer) + [EOS], len(p)))
            out[task][split] = rows
    # A preamble example is the preamble's tokens then its base example's without BOS: no merge crosses the
    # space between them (build_tokenizer.py checks it), so this equals encoding the whole text, only faster.
    # The third element: where the preamble may be cut (before each of its words, and at its end), for the
    # sampler's curriculum; the prompt keeps BOS and the question whatever the cut.
    pre, cuts = preamble_tokens(tok)
    for task, base in PREAMBLE_BASE.items():
        out[task] = {split: [(p + ids[1:], len(p) + n - 1, c) for p, c in zip(pre, cuts) for ids, n in out[base][split]]
                     for split in ('train', 'heldout')}
    return splits, out


def preamble_tokens(tok: Tokenizer):
    """Each preamble's tokens (BOS first) and where it may be cut: before each of its words (1: BOS alone), and
    at its end."""
    pre = [tok.encode(p) for p in load_preambles()]
    return pre, [[i for i in range(1, len(p)) if tok.pieces[p[i]].startswith(' ')] + [len(p)] for p in pre]


class PackedSampler:
    """Each step draws examples (by task weight) until `budget` tokens, then packs them into rows of a few
    fixed lengths (`buckets`): an example goes to the shortest bucket that holds it, first-fit-decreasing within
    the bucket. Attention costs O(row length) per token, so short examples in short rows make a step ~2x
    cheaper than one long row length for all, while every example is still computed exactly as if alone."""

    def __init__(self, train, budget, buckets, seed, weights=TASK_WEIGHTS, starts=None, preamble_cut=0.0, answer_cut=(0.0, 0)):
        self.train, self.budget, self.buckets, self.seed = train, budget, sorted(buckets), seed
        self.preamble_cut = preamble_cut
        self.answer_cut = answer_cut
        self.tasks = [t for t in weights if train.get(t)]
        self.weights = [weights[t] for t in self.tasks]
        self.by_start = {}
        for task in ('count_from', 'preamble_count_from'):
            if task in train and task in self.tasks and starts is not None and task in starts:
                groups = {}
                for ex, a in zip(train[task], starts[task]):
                    groups.setdefault(a, []).append(ex)
                self.by_start[task] = [groups[a] for a in sorted(groups)]
        assert max(len(ex[0]) - 1 for t in self.tasks for ex in train[t]) <= self.buckets[-1]

    def pick(self, task, rng):
        """count_from draws its start number uniformly first (then a range from it): drawing ranges uniformly
        would make high start numbers rare (a = 197 has 3 ranges, a = 0 has 200), and copying the start number
        from the prompt is the skill count_down needs on its held-out start numbers."""
        if task in self.by_start:
            return rng.choice(rng.choice(self.by_start[task]))
        return rng.choice(self.train[task])

    def draw(self, step):
        rng = random.Random(self.seed * 1_000_003 + step)
        picked, total = [], 0
        while total < self.budget:
            task = rng.choices(range(len(self.tasks)), self.weights)[0]
            ex = self.pick(self.tasks[task], rng)
            ids, n_prompt = ex[0], ex[1]
            if len(ex) > 2 and self.preamble_cut > 0 and rng.random() < self.preamble_cut:
                # Keep only the preamble's first words: a shorter distance from the question to what it asks.
                cut, full = rng.choice(ex[2]), ex[2][-1]
                ids, n_prompt = ids[:cut] + ids[full:], n_prompt - (full - cut)
            share, keep = self.answer_cut
            if len(ex) > 2 and share > 0 and len(ids) > n_prompt + keep and rng.random() < share:
                # Only the answer's first tokens (no EOS): the copy of the number from the prompt is what a
                # preamble makes hard, and a short example gives that first token more of the step's budget.
                ids = ids[:n_prompt + keep]
            picked.append((task, ids, n_prompt))
            total += len(ids) - 1
        return picked

    def batch(self, step):
        """Returns a list of (tokens, targets, pos, seg, loss_mask, task_of), one per bucket used."""
        by_bucket = {b: [] for b in self.buckets}
        for ex in self.draw(step):
            n = len(ex[1]) - 1
            by_bucket[next(b for b in self.buckets if n <= b)].append(ex)
        out = []
        for T, exs in by_bucket.items():
            if not exs:
                continue
            rows = []  # each row: [fill, [examples]]
            for ex in sorted(exs, key=lambda e: -len(e[1])):
                n = len(ex[1]) - 1
                row = next((r for r in rows if r[0] + n <= T), None)
                if row is None:
                    row = [0, []]
                    rows.append(row)
                row[0] += n
                row[1].append(ex)
            out.append(self._tensors(rows, T))
        return out

    @staticmethod
    def _tensors(rows, T):
        R = len(rows)
        tokens = torch.zeros(R, T, dtype=torch.long)
        targets = torch.zeros(R, T, dtype=torch.long)
        pos = torch.zeros(R, T, dtype=torch.long)
        seg = torch.full((R, T), -1, dtype=torch.long)
        loss_mask = torch.zeros(R, T, dtype=torch.bool)
        task_of = torch.full((R, T), -1, dtype=torch.long)
        for r, (_, exs) in enumerate(rows):
            fill = 0
            for k, (task, ids, n_prompt) in enumerate(exs):
                n = len(ids) - 1  # inputs ids[:-1] predict ids[1:]
                sl = slice(fill, fill + n)
                tokens[r, sl] = torch.tensor(ids[:-1])
                targets[r, sl] = torch.tensor(ids[1:])
                pos[r, sl] = torch.arange(n)
                seg[r, sl] = k
                loss_mask[r, fill + n_prompt - 1:fill + n] = True  # predictions of answer tokens and EOS
                task_of[r, sl] = task
                fill += n
        return tokens, targets, pos, seg, loss_mask, task_of
