"""Prints the answer-length tables that engine/model/tasks.ts embeds (tokens before EOS, with this tokenizer).

  /usr/bin/python3 tools/corpus/task_lengths.py [--tokenizer public/models/batchscope-tiny.tok.bin]

engine/model/tasks.test.ts re-derives these from the tokenizer file, so a stale table fails the tests.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tasks import capital, list_capitals, load_states  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tokenizer', default='public/models/batchscope-tiny.tok.bin')
    args = ap.parse_args()
    tok = Tokenizer.load(args.tokenizer, 1024)
    states = load_states()
    cap = [len(tok.encode_answer(capital(s, c)[1])) for s, c in states]
    lst = [len(tok.encode_answer(list_capitals(states, i)[1])) for i in range(len(states))]
    print('const CAPITAL_ANSWER_TOKENS = %s;' % json.dumps(cap, separators=(', ', ':')))
    print('const LIST_ANSWER_TOKENS = %s;' % json.dumps(lst, separators=(', ', ':')))


if __name__ == '__main__':
    main()
