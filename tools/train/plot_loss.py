"""Draws the training loss curve (answer-token cross-entropy, overall and per task) to public/models/loss.png.

  /usr/bin/python3 tools/train/plot_loss.py [--log tools/train/out/train_log.jsonl] [--out public/models/loss.png]
  --log A,B: stages in order (a later stage's steps continue the earlier's count)
"""
import argparse
import json
import os

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def smooth(xs, k=25):
    out, acc = [], []
    for x in xs:
        acc.append(x)
        if len(acc) > k:
            acc.pop(0)
        out.append(sum(acc) / len(acc))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--log', default=os.path.join(HERE, 'out', 'train_log.jsonl'))
    ap.add_argument('--out', default=os.path.join(HERE, '..', '..', 'public', 'models', 'loss.png'))
    ap.add_argument('--title', default='batchscope-tiny training loss')
    args = ap.parse_args()
    rows, offset = [], 0
    for path in args.log.split(','):
        stage = [json.loads(l) for l in open(path)]
        for r in stage:
            r['step'] += offset
        rows += stage
        offset = rows[-1]['step']
    steps = [r['step'] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=100)
    ax.plot(steps, smooth([r['loss'] for r in rows]), color='black', lw=2, label='all answer tokens')
    tasks = sorted({t for r in rows for t in r['tasks']})
    for t in tasks:
        pts = [(r['step'], r['tasks'][t]) for r in rows if t in r['tasks']]
        ax.plot([p[0] for p in pts], smooth([p[1] for p in pts]), lw=1, label=t)
    ax.set_yscale('log')
    ax.set_ylim(bottom=1e-5)  # the log keeps 5 decimals
    ax.set_xlabel('step')
    ax.set_ylabel('cross-entropy (nats, log scale)')
    ax.set_title('%s (answer tokens + EOS, moving average of 25 steps)' % args.title, fontsize=9)
    ax.grid(True, which='both', alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(args.out)
    print('wrote', args.out, os.path.getsize(args.out), 'bytes')


if __name__ == '__main__':
    main()
