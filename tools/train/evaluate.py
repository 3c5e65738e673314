"""Greedy evaluation of batchscope-tiny: exact match per task and where EOS came.

  /usr/bin/python3 tools/train/evaluate.py --model public/models/batchscope-tiny.bin [--json out.json]

Decodes the held-out split of each task (all of train for capital and list_capitals, which have nothing to hold
out), greedily, until EOS or len(answer) + 16 new tokens. An item is exact when the generated tokens are the
answer's tokens followed by EOS; `eos_at_end` counts items whose EOS came exactly after len(answer) tokens;
`no_eos` counts items that never produced EOS. Decoding stops at EOS, so nothing is generated after it.
"""
import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'corpus'))
from tasks import SPLIT_SEED, build_splits, eval_set  # noqa: E402
from tokenizer import EOS, Tokenizer  # noqa: E402

QUICK_LIMITS = {'capital': None, 'count_down': None, 'count_from': 20, 'repeat': 20, 'list_capitals': 5, 'preamble_count_from': 30}
FULL_LIMITS = {'capital': None, 'count_down': None, 'count_from': 200, 'repeat': None, 'list_capitals': None, 'preamble_count_from': 150}


def run_items(model, tok, items, slack=16):
    """items: [(prompt, answer)] -> [dict] with generated text and verdicts."""
    groups = defaultdict(list)
    for i, (prompt, answer) in enumerate(items):
        groups[len(tok.encode(prompt))].append(i)
    results = [None] * len(items)
    for _, idx in sorted(groups.items()):
        for c in range(0, len(idx), 64):
            chunk = idx[c:c + 64]
            prompts = [tok.encode(items[i][0]) for i in chunk]
            want = [tok.encode_answer(items[i][1]) for i in chunk]
            max_new = max(len(w) for w in want) + slack
            outs = model.generate_greedy(prompts, max_new, eos=EOS)
            for i, p, w, o in zip(chunk, prompts, want, outs):
                o = o[:len(w) + slack]  # the batch ran to its longest answer; each item gets its own budget
                body = o[:-1] if o and o[-1] == EOS else o
                results[i] = {'prompt': items[i][0], 'answer': items[i][1],
                              'generated': tok.decode(body, prev=p[-1]),
                              'exact': o == w + [EOS], 'eos_at_end': len(o) == len(w) + 1 and o[-1] == EOS,
                              'no_eos': not o or o[-1] != EOS, 'answer_tokens': len(w)}
    return results


def evaluate(model, tok, splits=None, quick=False, limits=None):
    splits = splits or build_splits()
    limits = limits or (QUICK_LIMITS if quick else FULL_LIMITS)
    model.eval()
    out = {}
    for task in splits:
        items = eval_set(splits, task, limits.get(task), SPLIT_SEED)
        split = 'heldout' if splits[task]['heldout'] else 'train'
        res = run_items(model, tok, [(p, a) for _, p, a in items])
        n = len(res)
        out[task] = {'split': split, 'items': res, 'summary': {
            'split': split, 'n': n, 'exact': sum(r['exact'] for r in res),
            'eos_at_end': sum(r['eos_at_end'] for r in res), 'no_eos': sum(r['no_eos'] for r in res)}}
    return out


@torch.no_grad()
def first_token_probe(model, tok, splits):
    """How many held-out count-down starts get their first answer token right (greedy), without a preamble ('none')
    and after each one ('0', '1', '2'), and of held-out repeat and count_from prompts (a seeded 200): one forward
    per prompt length, seconds where a greedy eval takes minutes. The first token is the copy of the start number
    that a preamble breaks (counting on from it was never the hard part), and the task a too eager copy forgets."""
    model.eval()
    sets = defaultdict(list)
    for params, prompt, answer in splits['count_down']['heldout']:
        sets['none'].append((prompt, answer))
    for params, prompt, answer in splits['preamble_count_down']['heldout']:
        sets[str(params[0])].append((prompt, answer))
    for task, limit in (('repeat', None), ('count_from', 200)):
        sets[task] = [(p, a) for _, p, a in eval_set(splits, task, limit, SPLIT_SEED)]
    out = {}
    for key, items in sets.items():
        by_len = defaultdict(list)
        for prompt, answer in items:
            ids = tok.encode(prompt)
            by_len[len(ids)].append((ids, tok.encode_answer(answer)[0]))
        right = 0
        for T, group in by_len.items():
            h = model.hidden(torch.tensor([ids for ids, _ in group]), torch.arange(T).expand(len(group), T),
                             torch.ones(T, T, dtype=torch.bool).tril().expand(len(group), 1, T, T))[:, -1]
            right += sum(int(g) == w for g, (_, w) in zip(model.logits(h).argmax(-1), group))
        out[key] = right
    model.train()
    return out


def main():
    from export import load_checkpoint_bin  # noqa: E402
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=os.path.join(HERE, '..', '..', 'public', 'models', 'batchscope-tiny.bin'))
    ap.add_argument('--tokenizer', default=None)
    ap.add_argument('--ckpt', default=None, help='evaluate a training checkpoint (out/ckpt.pt) instead')
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--json', default=None)
    ap.add_argument('--show', type=int, default=3, help='failures to print per task')
    args = ap.parse_args()
    torch.set_num_threads(2)
    if args.ckpt:
        from model import Config, Llama
        ck = torch.load(args.ckpt)
        model = Llama(Config(**ck['config']))
        model.load_state_dict(ck['model'])
    else:
        model = load_checkpoint_bin(args.model)
    tok_path = args.tokenizer or args.model.replace('.bin', '.tok.bin')
    tok = Tokenizer.load(tok_path, model.c.vocab_size)
    t0 = time.time()
    res = evaluate(model, tok, quick=args.quick)
    for task, r in res.items():
        s = r['summary']
        print('%-14s %-8s exact %4d/%-4d (%.1f%%)  eos_at_end %4d  no_eos %4d' % (
            task, s['split'], s['exact'], s['n'], 100 * s['exact'] / max(1, s['n']), s['eos_at_end'], s['no_eos']))
        for item in [x for x in r['items'] if not x['exact']][:args.show]:
            print('    %r\n      want %r\n      got  %r' % (item['prompt'], item['answer'][:160], item['generated'][:160]))
    print('eval took %.0f s' % (time.time() - t0))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({t: {'summary': r['summary'], 'items': r['items']} for t, r in res.items()}, f, indent=1)


if __name__ == '__main__':
    main()
