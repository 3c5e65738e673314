"""Turns a finished MoE fine-tuning run into shipped model files, and checks them (finalize.py's MoE twin).

  /usr/bin/python3 tools/train/finalize_moe.py --out-dir tools/train/out-moe --name batchscope-tiny-moe
  /usr/bin/python3 tools/train/finalize_moe.py --out-dir tools/train/out-moe-unbalanced --name batchscope-tiny-moe-unbalanced

1. exports OUT_DIR/ckpt.pt to public/models/NAME.bin (batchscope's MoE checkpoint, engine/model/checkpoint-moe.ts);
2. checks the export: the NumPy forward (reference_forward.py, routing included) matches PyTorch's logits on the
   exported file within 1e-4;
3. writes public/models/NAME.reference.json (moe_reference.py): PyTorch's last logits, every token's experts and
   the greedy continuation of a few prompts, which the engine's tests compare against;
4. evaluates the exported file greedily with PyTorch (evaluate.py): by default the quick sets (every capital and
   held-out count-down start, samples of the stretch tasks; --full: the dense model's full sets plus every
   count-down start, which takes hours on a loaded 2-core machine). The card's full table comes from the
   TypeScript engine, `npm run eval:model -- --model NAME`, which agrees with PyTorch item for item where both ran;
5. measures routing on the eval prompts (tokens per expert per layer over every position PyTorch ran);
6. draws public/models/NAME-loss.png and writes public/models/NAME.json (config, training facts, eval, routing).
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
TOKENIZER = os.path.join(MODELS, 'batchscope-tiny.tok.bin')
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'corpus'))
from evaluate import FULL_LIMITS, evaluate, run_items  # noqa: E402
from export import load_checkpoint_bin, write_checkpoint_bin  # noqa: E402
from model import Config, Llama  # noqa: E402
from moe_reference import reference  # noqa: E402
from tasks import SPLIT_SEED, build_splits, eval_set  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402


def routing_on(model, tok, prompts):
    """Tokens per expert per layer, and max/mean per layer, over every prompt position of `prompts`."""
    E = model.c.n_experts
    load = torch.zeros(model.c.n_layers, E, dtype=torch.long)
    with torch.no_grad():
        for p in prompts:
            ids = tok.encode(p)
            T = len(ids)
            model.hidden(torch.tensor([ids]), torch.arange(T).view(1, T),
                         torch.ones(T, T, dtype=torch.bool).tril().view(1, 1, T, T))
            for l, layer in enumerate(model.layers):
                load[l] += torch.bincount(layer.feed_forward.last[1].reshape(-1), minlength=E)
    return {'tokens_per_expert': load.tolist(),
            'max_over_mean': [round(float(r.max() / r.float().mean()), 3) for r in load]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out-dir', required=True, help='the training run (train.py --out)')
    ap.add_argument('--name', required=True, help='file stem under public/models/')
    ap.add_argument('--full', action='store_true', help='the full eval sets (slow), not the quick ones')
    args = ap.parse_args()
    torch.set_num_threads(1)  # a shared machine: one thread wastes less time waiting for the other
    bin_path = os.path.join(MODELS, args.name + '.bin')
    ck = torch.load(os.path.join(args.out_dir, 'ckpt.pt'))
    model = Llama(Config(**ck['config']))
    model.load_state_dict(ck['model'])
    write_checkpoint_bin(model, bin_path)
    print('exported step %d -> %s' % (ck['step'], bin_path), flush=True)
    subprocess.run([sys.executable, os.path.join(HERE, 'reference_forward.py'), '--model', bin_path, '--skip-stories',
                    '--tokenizer', TOKENIZER], check=True)
    ref = reference(bin_path, TOKENIZER)
    with open(os.path.join(MODELS, args.name + '.reference.json'), 'w') as f:
        json.dump(ref, f, separators=(',', ':'))
        f.write('\n')

    model = load_checkpoint_bin(bin_path)
    tok = Tokenizer.load(TOKENIZER, model.c.vocab_size)
    splits = build_splits()
    res = evaluate(model, tok, splits, quick=not args.full)
    cd_train = [] if not args.full else run_items(model, tok, [(p, a) for _, p, a in splits['count_down']['train']])
    summary = {t: r['summary'] for t, r in res.items()}
    summary['count_down_train'] = {'split': 'train', 'n': len(cd_train), 'exact': sum(r['exact'] for r in cd_train),
                                   'eos_at_end': sum(r['eos_at_end'] for r in cd_train),
                                   'no_eos': sum(r['no_eos'] for r in cd_train)}
    for t, s in summary.items():
        print('%-17s %-8s exact %4d/%-4d eos_at_end %4d no_eos %4d' % (t, s['split'], s['exact'], s['n'],
                                                                       s['eos_at_end'], s['no_eos']))
    misses = {t: [i['prompt'] for i in r['items'] if not i['exact']] for t, r in res.items()}
    routing = routing_on(model, tok, [p for t in splits for _, p, _ in eval_set(splits, t, FULL_LIMITS.get(t), SPLIT_SEED)])
    print('routing on the eval prompts, max/mean per layer:', routing['max_over_mean'])

    log_path = os.path.join(args.out_dir, 'train_log.jsonl')
    subprocess.run([sys.executable, os.path.join(HERE, 'plot_loss.py'), '--log', log_path, '--out',
                    os.path.join(MODELS, args.name + '-loss.png'), '--title', args.name + ' fine-tuning loss'], check=True)
    log = [json.loads(l) for l in open(log_path)]
    last = [r for r in log if r['step'] <= ck['step']][-100:]
    a = ck['args']
    meta = {
        'name': args.name,
        'files': {'checkpoint': args.name + '.bin', 'tokenizer': 'batchscope-tiny.tok.bin',
                  'format': 'batchscope MoE checkpoint version 1 (engine/model/checkpoint-moe.ts); llama2.c tokenizer.bin'},
        'config': ck['config'],
        'params': model.n_params(),
        'active_params_per_token': model.n_params() - model.c.n_layers * (model.c.n_experts - model.c.top_k) * 3 * model.c.dim * model.c.hidden_dim,
        'split_seed': SPLIT_SEED,
        'heldout': {'count_down': [p[0] for p, _, _ in splits['count_down']['heldout']],
                    'count_from_fraction': 0.1, 'repeat_fraction': 0.2},
        'eval_prompts': {t: [list(p) for p, _, _ in eval_set(splits, t, FULL_LIMITS.get(t), SPLIT_SEED)] for t in splits},
        'training': {
            'init': 'tools/train/upcycle.py: batchscope-tiny.bin with its FFN neurons split into %d experts by '
                    'co-activation (MoEfication), the router fitted by least squares' % model.c.n_experts,
            'steps': ck['step'], 'seconds': round(ck['elapsed']), 'seed': a['seed'], 'balance_loss_weight': a['balance'],
            'tokens_per_step': a['budget'], 'lr': a['lr'], 'warmup': a['warmup'],
            'schedule': 'linear warmup %d steps, cosine towards 10%% over a %d-step horizon, linear cooldown to 10%% '
                        'over the last %d steps' % (a['warmup'], a['cosine_horizon'] or ck['step'], a['cooldown']),
            'command': '/usr/bin/python3 tools/train/train.py ' + ' '.join(
                '--%s %s' % (k.replace('_', '-'), a[k]) for k in ('init', 'experts', 'top_k', 'hidden_dim', 'balance',
                                                                   'steps', 'lr', 'warmup', 'cosine_horizon',
                                                                   'cooldown', 'threads', 'out'))
                       + (' --stop-after %d' % ck['step'] if ck['step'] < a['steps'] else ''),
            'final_loss_mean_last_100_steps': round(sum(r['loss'] for r in last) / len(last), 5),
            'train_batch_max_over_mean_last_100_steps': [round(sum(r['imbalance'][l] for r in last) / len(last), 3)
                                                        for l in range(model.c.n_layers)],
            'torch': torch.__version__, 'threads': a['threads'],
        },
        'eval': {'decoding': 'greedy, until EOS or len(answer) + 16 tokens', 'python': summary, 'misses': misses},
        'routing_on_eval_prompts': routing,
    }
    with open(os.path.join(MODELS, args.name + '.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')
    print('wrote', os.path.join(MODELS, args.name + '.json'))


if __name__ == '__main__':
    main()
