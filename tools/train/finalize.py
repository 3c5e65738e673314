"""Turns a finished training run into the shipped model files, and checks them.

  /usr/bin/python3 tools/train/finalize.py [--ckpt tools/train/out/ckpt.pt]
  /usr/bin/python3 tools/train/finalize.py --ckpt tools/train/out-preambles-b/ckpt.pt \
      --stages tools/train/out,tools/train/out-preambles,tools/train/out-preambles-b --plot public/models/loss-preambles.png

1. exports the checkpoint to public/models/batchscope-tiny.bin (llama2.c version-0 format);
2. checks the export: the NumPy llama2.c forward reproduces stories260K's reference greedy output and matches
   PyTorch's logits on the exported file within 1e-4 (reference_forward.py);
3. evaluates the exported file greedily (evaluate.py, full eval sets; plus every count-down start, train included);
4. draws public/models/loss.png and writes public/models/batchscope-tiny.json (config, tasks, held-out split,
   eval prompts, training facts, eval results).
The model card (public/models/README.md) quotes these figures; update it by hand after a retrain.
"""
import argparse
import json
import os
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
MODELS = os.path.join(ROOT, 'public', 'models')
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'corpus'))
from evaluate import FULL_LIMITS, evaluate, run_items  # noqa: E402
from export import load_checkpoint_bin, write_checkpoint_bin  # noqa: E402
from model import Config, Llama  # noqa: E402
from tasks import (EXTRA, PREAMBLE_TASKS, REQUIRED, SPLIT_SEED, STRETCH, TEMPLATES, build_splits, eval_set,  # noqa: E402
                   load_preambles)
from tokenizer import Tokenizer  # noqa: E402

def stage_record(folder, ck, mixes):
    """What one training run did, for batchscope-tiny.json: its command, schedule, mix and final losses."""
    a = ck['args']
    log = [json.loads(l) for l in open(os.path.join(folder, 'train_log.jsonl'))]
    last = [r for r in log if r['step'] <= ck['step']][-100:]
    weights = mixes[a.get('mix', 'base')]
    flags = ('steps', 'cosine_horizon', 'cooldown', 'seed', 'mix', 'init', 'out', 'budget', 'buckets', 'lr', 'warmup')
    if a.get('shared_rows'):
        flags += ('shared_rows', 'shared_len', 'shared_keep', 'shared_full', 'shared_mix')
    if a.get('stop_after'):
        flags += ('stop_after',)
    return {
        'steps': ck['step'], 'seconds': round(ck['elapsed']), 'seed': a['seed'],
        'tokens_per_step': a['budget'], 'row_lengths': a['buckets'], 'lr': a['lr'], 'warmup': a['warmup'],
        'schedule': 'linear warmup %d steps, cosine towards 10%% over a %d-step horizon, linear cooldown to 10%% over the last %d '
                    'steps' % (a['warmup'], a.get('cosine_horizon') or ck['step'], a.get('cooldown', 0)),
        'command': '/usr/bin/python3 tools/train/train.py' + ''.join(
            ' --%s %s' % (k.replace('_', '-'), os.path.relpath(v, ROOT) if k in ('init', 'out') else v)
            for k, v in sorted(a.items()) if k in flags and v is not None),
        'weight_decay': a['weight_decay'], 'optimizer': 'AdamW(0.9, 0.95), grad clip 1.0',
        'task_weights': weights, 'loss': 'cross-entropy on answer tokens and EOS only',
        **({'shared_prefix_rows': {'rows_per_step': a['shared_rows'], 'row_length': a['shared_len'],
                                   'answer_tokens_kept': a['shared_keep'], 'whole_preamble_share': a['shared_full'],
                                   'questions': a['shared_mix']}} if a.get('shared_rows') else {}),
        'final_loss_mean_last_100_steps': round(sum(r['loss'] for r in last) / len(last), 5),
        'final_task_loss_mean_last_100_steps': {
            t: round(sum(r['tasks'][t] for r in last if t in r['tasks']) / max(1, sum(1 for r in last if t in r['tasks'])), 5)
            for t in list(weights) + ['shared_' + x.split(':')[0] for x in (a['shared_mix'].split(',') if a.get('shared_rows') else [])]},
    }


ANSWER_FORMATS = {
    'capital': ' <capital>',
    'count_down': ' n n-1 ... 1 0',
    'count_from': ' a a+1 ... b',
    'repeat': ' word word ... word (n times)',
    'list_capitals': ' The capital of <state> is <capital>. (every state from <state> to Wyoming, alphabetically)',
    'preamble_capital': ' <capital>',
    'preamble_count_down': ' n n-1 ... 1 0',
    'preamble_count_from': ' a a+1 ... b',
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default=os.path.join(HERE, 'out', 'ckpt.pt'))
    ap.add_argument('--no-eval', action='store_true', help='export and check only (to try the pipeline)')
    ap.add_argument('--stages', default=None, help='training run folders in order (default: the checkpoint\'s); a missing one keeps '
                    'what batchscope-tiny.json says of it')
    ap.add_argument('--plot', default=os.path.join(MODELS, 'loss.png'), help='loss curve of the stages after the first listed')
    args = ap.parse_args()
    out_dir = os.path.dirname(os.path.abspath(args.ckpt))
    stages = [os.path.abspath(d) for d in args.stages.split(',')] if args.stages else [out_dir]
    old_meta_path = os.path.join(MODELS, 'batchscope-tiny.json')
    old_meta = json.load(open(old_meta_path)) if os.path.exists(old_meta_path) else {}
    torch.set_num_threads(2)
    bin_path = os.path.join(MODELS, 'batchscope-tiny.bin')
    tok_path = os.path.join(MODELS, 'batchscope-tiny.tok.bin')

    ck = torch.load(args.ckpt)
    model = Llama(Config(**ck['config']))
    model.load_state_dict(ck['model'])
    write_checkpoint_bin(model, bin_path)
    print('exported step %d -> %s' % (ck['step'], bin_path), flush=True)

    subprocess.run([sys.executable, os.path.join(HERE, 'reference_forward.py'), '--model', bin_path], check=True)

    model = load_checkpoint_bin(bin_path)
    tok = Tokenizer.load(tok_path, model.c.vocab_size)
    splits = build_splits()
    res = evaluate(model, tok, splits, limits={t: 0 for t in splits} if args.no_eval else None)
    cd_train = [] if args.no_eval else run_items(model, tok, [(p, a) for _, p, a in splits['count_down']['train']])
    summary = {t: r['summary'] for t, r in res.items()}
    summary['count_down_train'] = {'split': 'train', 'n': len(cd_train), 'exact': sum(r['exact'] for r in cd_train),
                                   'eos_at_end': sum(r['eos_at_end'] for r in cd_train),
                                   'no_eos': sum(r['no_eos'] for r in cd_train)}
    for t, s in summary.items():
        print('%-17s %-8s exact %4d/%-4d eos_at_end %4d no_eos %4d' % (t, s['split'], s['exact'], s['n'],
                                                                       s['eos_at_end'], s['no_eos']))
    # Preamble tasks per preamble: the targets hold for each one.
    for t in PREAMBLE_TASKS:
        if t not in res:
            continue
        for k, pre in enumerate(load_preambles()):
            items = [r for r in res[t]['items'] if r['prompt'].startswith(pre + ' ')]
            summary['%s/%d' % (t, k)] = {'split': res[t]['split'], 'n': len(items), 'exact': sum(r['exact'] for r in items),
                                         'eos_at_end': sum(r['eos_at_end'] for r in items), 'no_eos': sum(r['no_eos'] for r in items)}
    for t, s in summary.items():
        if '/' in t:
            print('%-22s %-8s exact %4d/%-4d eos_at_end %4d no_eos %4d' % (t, s['split'], s['exact'], s['n'], s['eos_at_end'], s['no_eos']))
    with open(os.path.join(out_dir, 'eval.json'), 'w') as f:
        json.dump({t: {'summary': r['summary'], 'items': r['items']} for t, r in res.items()}, f, indent=1)

    logs = [os.path.join(d, 'train_log.jsonl') for d in stages if os.path.exists(os.path.join(d, 'train_log.jsonl'))]
    subprocess.run([sys.executable, os.path.join(HERE, 'plot_loss.py'), '--log', ','.join(logs), '--out', args.plot], check=True)

    from data import MIXES
    training_stages = []
    for i, d in enumerate(stages):
        run_path = os.path.join(d, 'run.json')
        if not os.path.exists(run_path) or not os.path.exists(os.path.join(d, 'ckpt.pt')):
            # A stage not run here (stage 1 is long): keep what the metadata recorded when it was.
            kept = old_meta.get('training', {}).get('stages', [old_meta.get('training')])[i] if old_meta.get('training') else None
            if kept is None:
                raise SystemExit('stage %s was not run here and batchscope-tiny.json has no record of it' % d)
            training_stages.append(kept)
            continue
        training_stages.append(stage_record(d, d == out_dir and ck or torch.load(os.path.join(d, 'ckpt.pt')), MIXES))
    train_args = ck['args']
    log = [json.loads(l) for l in open(os.path.join(out_dir, 'train_log.jsonl'))]
    last = [r for r in log if r['step'] <= ck['step']][-100:]
    meta = {
        'name': 'batchscope-tiny',
        'description': 'A 0.8 M-parameter Llama trained from scratch for batchscope: answers end with EOS at a '
                       'length the prompt sets (see README.md).',
        'files': {'checkpoint': 'batchscope-tiny.bin', 'tokenizer': 'batchscope-tiny.tok.bin',
                  'format': 'llama2.c legacy checkpoint (version 0), shared classifier; llama2.c tokenizer.bin'},
        'config': ck['config'],
        'params': model.n_params(),
        'tokenizer': {'vocab_size': tok.vocab_size, 'bos': 1, 'eos': 2,
                      'notes': 'BPE; every number 0..199 with its leading space is one token'},
        'tasks': [{'id': t, 'kind': 'required' if t in REQUIRED else 'stretch' if t in STRETCH else 'preamble' if t in PREAMBLE_TASKS else 'extra',
                   'template': TEMPLATES[t], 'answer': ANSWER_FORMATS[t],
                   'train_examples': len(splits[t]['train']), 'heldout_examples': len(splits[t]['heldout'])}
                  for t in REQUIRED + STRETCH + EXTRA + PREAMBLE_TASKS],
        'preambles': load_preambles(),
        'split_seed': SPLIT_SEED,
        'heldout': {
            'count_down': [p[0] for p, _, _ in splits['count_down']['heldout']],
            'count_from_fraction': 0.1, 'repeat_fraction': 0.2,
        },
        'eval_prompts': {t: [list(p) for p, _, _ in eval_set(splits, t, FULL_LIMITS.get(t), SPLIT_SEED)]
                         for t in splits},
        'training': {
            'stages': training_stages,
            'seconds': sum(st['seconds'] for st in training_stages),
            'final_loss_mean_last_100_steps': round(sum(r['loss'] for r in last) / len(last), 5),
            'torch': torch.__version__, 'threads': train_args['threads'],
        },
        'eval': {'decoding': 'greedy, until EOS or len(answer) + 16 tokens', 'python': summary},
    }
    with open(os.path.join(MODELS, 'batchscope-tiny.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')
    # The dense model's own files: the MoE models beside it (issue 17) are optional extras, not the built-in model.
    total = sum(os.path.getsize(os.path.join(MODELS, n)) for n in os.listdir(MODELS)
                if n.startswith('loss') or (n.startswith('batchscope-tiny.') and n != 'README.md'))
    print('public/models, batchscope-tiny files: %d bytes in all (limit 4 MB = 4194304)' % total)
    assert total <= 4 * 1024 * 1024


if __name__ == '__main__':
    main()
