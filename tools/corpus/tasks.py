"""Task definitions for batchscope's built-in tiny model.

Every example is a (prompt, answer) pair of plain text. The model sees the prompt encoded with BOS and the
dummy-prefix space (exactly as the llama2.c encoder does), then learns the answer tokens followed by EOS.
Answers always start with a space. The held-out split is a seeded choice and never reaches training.

Tasks (formats are part of the model's contract, see public/models/README.md):
  capital        What is the capital of <state>:      -> ' <capital>'
  count_down     Count down from <n>:                 -> ' n n-1 ... 1 0'          (0 <= n <= 199)
  count_from     Count from <a> to <b>:               -> ' a a+1 ... b'            (0 <= a <= b <= 199, stretch)
  repeat         Repeat <word> <n> times:             -> ' word word ... word'     (1 <= n <= 40, stretch)
  list_capitals  List the capitals from <state>:      -> ' The capital of <state> is <capital>. The capital of ...'
                 (every state from <state> to Wyoming in alphabetical order: the long-answer task)

Preamble tasks (a fixed "system prompt" from tools/data/preambles.txt, a space, then a required task's question;
the answer is the question's answer, so the model must read past 100-300 tokens of preamble to the question):
  preamble_capital      <preamble k> What is the capital of <state>:   -> ' <capital>'
  preamble_count_down   <preamble k> Count down from <n>:              -> ' n n-1 ... 1 0'
  preamble_count_from   <preamble k> Count from <a> to <b>:            -> ' a a+1 ... b'   (practice in copying a number
                        from the end of a long prompt, which count_down needs on its held-out starts)
They share the held-out splits of their base tasks, so a held-out count-down start is never trained with any preamble.
No merge crosses the space after a preamble, so a prompt's tokens are the preamble's tokens followed by the
question's own (without BOS): requests with one preamble share a token prefix, which prefix caching reuses.
"""
import csv
import os
import random

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data')
SPLIT_SEED = 1234
MAX_NUMBER = 199          # numbers 0..199 are single tokens
REPEAT_MAX = 40
COUNT_DOWN_HELDOUT = 40   # 20% of the 200 start numbers
COUNT_FROM_HELDOUT_FRACTION = 0.1
REPEAT_HELDOUT_FRACTION = 0.2

TEMPLATES = {
    'capital': 'What is the capital of {state}:',
    'count_down': 'Count down from {n}:',
    'count_from': 'Count from {a} to {b}:',
    'repeat': 'Repeat {word} {n} times:',
    'list_capitals': 'List the capitals from {state}:',
    'preamble_capital': '{preamble} What is the capital of {state}:',
    'preamble_count_down': '{preamble} Count down from {n}:',
    'preamble_count_from': '{preamble} Count from {a} to {b}:',
}
REQUIRED = ['capital', 'count_down']
STRETCH = ['count_from', 'repeat']
EXTRA = ['list_capitals']
PREAMBLE_TASKS = ['preamble_capital', 'preamble_count_down', 'preamble_count_from']


def load_states():
    with open(os.path.join(DATA_DIR, 'us_states.csv'), newline='') as f:
        rows = [(r['state'], r['capital']) for r in csv.DictReader(f)]
    assert len(rows) == 50 and rows == sorted(rows), 'us_states.csv must list 50 states alphabetically'
    return rows


def load_words():
    with open(os.path.join(DATA_DIR, 'repeat_words.txt')) as f:
        return [w.strip() for w in f if w.strip()]


def load_preambles():
    """The fixed preambles, one paragraph each (blank lines between), in file order."""
    with open(os.path.join(DATA_DIR, 'preambles.txt')) as f:
        paragraphs = [' '.join(p.split()) for p in f.read().split('\n\n') if p.strip()]
    assert len(paragraphs) >= 1 and not any(c.isdigit() for p in paragraphs for c in p), 'preambles hold no digits'
    return paragraphs


def with_preamble(preamble, example):
    prompt, answer = example
    return preamble + ' ' + prompt, answer


def nums(seq):
    return ''.join(' %d' % k for k in seq)


def capital(state, cap):
    return TEMPLATES['capital'].format(state=state), ' ' + cap


def count_down(n):
    return TEMPLATES['count_down'].format(n=n), nums(range(n, -1, -1))


def count_from(a, b):
    return TEMPLATES['count_from'].format(a=a, b=b), nums(range(a, b + 1))


def repeat(word, n):
    return TEMPLATES['repeat'].format(word=word, n=n), (' ' + word) * n


def list_capitals(states, i):
    body = ''.join(' The capital of %s is %s.' % sc for sc in states[i:])
    return TEMPLATES['list_capitals'].format(state=states[i][0]), body


def build_splits(seed=SPLIT_SEED):
    """Returns {task: {'train': [(params, prompt, answer)], 'heldout': [...]}}, deterministic for a seed."""
    rng = random.Random(seed)
    states = load_states()
    words = load_words()
    out = {}

    out['capital'] = {'train': [((s,), *capital(s, c)) for s, c in states], 'heldout': []}

    held = set(rng.sample(range(MAX_NUMBER + 1), COUNT_DOWN_HELDOUT))
    out['count_down'] = {
        'train': [((n,), *count_down(n)) for n in range(MAX_NUMBER + 1) if n not in held],
        'heldout': [((n,), *count_down(n)) for n in sorted(held)],
    }

    pairs = [(a, b) for a in range(MAX_NUMBER + 1) for b in range(a, MAX_NUMBER + 1)]
    held_pairs = set(rng.sample(pairs, int(len(pairs) * COUNT_FROM_HELDOUT_FRACTION)))
    out['count_from'] = {
        'train': [((a, b), *count_from(a, b)) for a, b in pairs if (a, b) not in held_pairs],
        'heldout': [((a, b), *count_from(a, b)) for a, b in pairs if (a, b) in held_pairs],
    }

    combos = [(w, n) for w in words for n in range(1, REPEAT_MAX + 1)]
    held_combos = set(rng.sample(combos, int(len(combos) * REPEAT_HELDOUT_FRACTION)))
    out['repeat'] = {
        'train': [((w, n), *repeat(w, n)) for w, n in combos if (w, n) not in held_combos],
        'heldout': [((w, n), *repeat(w, n)) for w, n in combos if (w, n) in held_combos],
    }

    # A memorised recitation: every start state is trained (there is nothing to hold out of a fixed list).
    out['list_capitals'] = {'train': [((s,), *list_capitals(states, i)) for i, (s, _) in enumerate(states)],
                            'heldout': []}

    # Every preamble with every question of the base split (params: preamble index first). Built after the
    # base tasks and drawing nothing from rng, so the base splits are exactly what they were before.
    pre = load_preambles()
    for task, base in (('preamble_capital', 'capital'), ('preamble_count_down', 'count_down'),
                       ('preamble_count_from', 'count_from')):
        out[task] = {split: [((k, *params), *with_preamble(p, (prompt, answer)))
                             for k, p in enumerate(pre) for params, prompt, answer in out[base][split]]
                     for split in ('train', 'heldout')}
    return out


def eval_set(splits, task, limit=None, seed=SPLIT_SEED):
    """The prompts the evaluation decodes for a task: the held-out split when there is one, else all of train.
    `limit` takes a seeded sample (used for the large count_from / repeat held-out sets)."""
    items = splits[task]['heldout'] or splits[task]['train']
    if limit is not None and len(items) > limit:
        items = sorted(random.Random(seed + 1).sample(items, limit))
    return items
