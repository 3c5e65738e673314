"""Trains the BPE tokenizer on the corpus and checks it against the corpus.

  /usr/bin/python3 tools/corpus/build_tokenizer.py --out public/models/batchscope-tiny.tok.bin

Checks, on every example of every task and split: every number 0..199 in prompts and answers is one token;
encode(prompt + answer) == encode(prompt) + encode_answer(answer) (no merge crosses the boundary); the answer
decodes back to its text; the tokenizer file reloads to the same vocabulary.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tasks import build_splits  # noqa: E402
from tokenizer import BOS, Tokenizer, train_bpe  # noqa: E402

VOCAB_SIZE = 1024
TASK_TEXT_WEIGHT = {'capital': 50, 'count_down': 10, 'count_from': 1, 'repeat': 5, 'list_capitals': 10}


def build(vocab_size=VOCAB_SIZE):
    splits = build_splits()
    texts = []
    # Merges are learned on the base tasks only: the preamble tasks came later, and leaving them out keeps the
    # tokenizer (and everything built on it) what it was. They are still checked below.
    for task, weight in TASK_TEXT_WEIGHT.items():
        for _, prompt, answer in splits[task]['train']:
            texts.append((' ' + prompt + answer, weight))
    return train_bpe(texts, vocab_size), splits


def check(tok, splits):
    n = 0
    for task, parts in splits.items():
        for split in ('train', 'heldout'):
            # Every 25th count_from after a preamble: the 60,000 of them differ from count_from's only by the preamble.
            items = parts[split][::25] if task == 'preamble_count_from' else parts[split]
            for _, prompt, answer in items:
                p = tok.encode(prompt)
                a = tok.encode_answer(answer)
                assert tok.encode(prompt + answer) == p + a, (prompt, answer)
                assert tok.decode(a, prev=p[-1]) == answer, (answer, tok.decode(a))
                assert tok.decode(p[1:], prev=BOS) == prompt, prompt
                for text, ids in ((prompt, p[2:]), (answer, a)):
                    numbers = re.findall(r' [0-9]+', text)
                    got = [tok.pieces[i] for i in ids if tok.pieces[i].strip().isdigit()]
                    assert got == numbers, (text, got)
                n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='public/models/batchscope-tiny.tok.bin')
    ap.add_argument('--vocab-size', type=int, default=VOCAB_SIZE)
    args = ap.parse_args()
    tok, splits = build(args.vocab_size)
    tok.save(args.out)
    tok2 = Tokenizer.load(args.out, tok.vocab_size)
    assert tok2.pieces == tok.pieces
    n = check(tok2, splits)
    print('vocab %d, checked %d examples, wrote %s' % (tok.vocab_size, n, args.out))
    for task, parts in splits.items():
        _, prompt, answer = parts['train'][len(parts['train']) // 2]
        ids = tok.encode(prompt) + tok.encode_answer(answer)
        print('%-14s %3d tokens  %s' % (task, len(ids), '|'.join(tok.pieces[i] for i in ids[1:])[:300]))


if __name__ == '__main__':
    main()
