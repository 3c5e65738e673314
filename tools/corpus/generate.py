"""Writes the corpus (every example of every task, with its split) as JSON lines.

  /usr/bin/python3 tools/corpus/generate.py --out tools/train/out/corpus.jsonl

Deterministic: the same seed always gives the same file. Training samples from these splits (train only).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tasks import SPLIT_SEED, build_splits  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='tools/train/out/corpus.jsonl')
    ap.add_argument('--seed', type=int, default=SPLIT_SEED)
    args = ap.parse_args()
    splits = build_splits(args.seed)
    os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
    with open(args.out, 'w') as f:
        for task, parts in splits.items():
            for split, items in parts.items():
                for params, prompt, answer in items:
                    f.write(json.dumps({'task': task, 'split': split, 'params': list(params),
                                        'prompt': prompt, 'answer': answer}) + '\n')
    for task, parts in splits.items():
        print('%-14s train %6d  heldout %5d' % (task, len(parts['train']), len(parts['heldout'])))
    print('wrote', args.out)


if __name__ == '__main__':
    main()
