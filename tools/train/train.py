"""Trains batchscope-tiny (seeded, resumable) and logs to tools/train/out/.

  /usr/bin/python3 tools/train/train.py                       # full run (see public/models/README.md)
  /usr/bin/python3 tools/train/train.py --steps 20 --out /tmp/smoke   # speed check
  /usr/bin/python3 tools/train/train.py --mix preambles --init tools/train/out/ckpt.pt --out tools/train/out-preambles ...
                                                              # stage 2: continue stage 1's weights on the preamble mix

Writes out/ckpt.pt (every --ckpt-every steps and at the end), out/train_log.jsonl (one line per step),
out/eval_log.jsonl (quick greedy evals every --eval-every steps).
"""
import argparse
import os

# OpenBLAS threads on top of torch's own intra-op threads oversubscribe 2 cores: measured 2x slower steps.
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import json
import math
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import MIXES, PackedSampler, preamble_tokens, tokenized_splits  # noqa: E402
from shared_prefix import SharedPrefixSampler  # noqa: E402
from model import Config, Llama, balance_loss  # noqa: E402
from evaluate import evaluate, first_token_probe  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402  (path set up by data)

DEFAULT_TOK = os.path.join(HERE, '..', '..', 'public', 'models', 'batchscope-tiny.tok.bin')


def lr_at(step, steps, peak, warmup, horizon=None, cooldown=0, floor=0.1):
    """Linear warmup, cosine decay towards floor*peak over `horizon` steps (default: the whole run), and
    optionally a final linear cooldown over the last `cooldown` steps from wherever the cosine got to down to
    floor*peak. A run's first steps - cooldown steps depend only on (warmup, horizon), so a run can be
    shortened while it trains without changing anything it has already done."""
    horizon = horizon or steps

    def cosine(s):
        if s < warmup:
            return peak * (s + 1) / warmup
        t = (s - warmup) / max(1, horizon - warmup)
        return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))

    start = steps - cooldown
    if cooldown <= 0 or step < start:
        return cosine(step)
    a = cosine(start)
    return a + (floor * peak - a) * (step - start + 1) / cooldown


def load_weights(path):
    """A state dict from a training checkpoint (its 'model') or from an exported llama2.c .bin (the same floats)."""
    if path.endswith('.pt'):
        return torch.load(path)['model']
    from export import load_checkpoint_bin
    return load_checkpoint_bin(path).state_dict()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, 'out'))
    ap.add_argument('--tokenizer', default=DEFAULT_TOK)
    ap.add_argument('--steps', type=int, default=1600)
    ap.add_argument('--budget', type=int, default=3072, help='tokens drawn per step')
    ap.add_argument('--buckets', default='64,128,224,448', help='row lengths examples are packed into')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--warmup', type=int, default=100)
    ap.add_argument('--cosine-horizon', type=int, default=4000, help='length of the cosine in steps (0: --steps); the cooldown replaces its tail')
    ap.add_argument('--cooldown', type=int, default=900, help='final steps of linear decay to 10%% of --lr')
    ap.add_argument('--weight-decay', type=float, default=0.01)
    ap.add_argument('--seed', type=int, default=1337)
    ap.add_argument('--dim', type=int, default=128)
    ap.add_argument('--hidden-dim', type=int, default=320)
    ap.add_argument('--layers', type=int, default=4)
    ap.add_argument('--heads', type=int, default=8)
    ap.add_argument('--kv-heads', type=int, default=4)
    ap.add_argument('--experts', type=int, default=0, help='experts per layer (0: the dense model)')
    ap.add_argument('--top-k', type=int, default=2, help='experts per token when --experts > 0')
    ap.add_argument('--balance', type=float, default=0.01, help='weight of the load-balancing loss (MoE only)')
    ap.add_argument('--ckpt-every', type=int, default=100)
    ap.add_argument('--eval-every', type=int, default=500)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--mix', choices=sorted(MIXES), default='base', help='task weights (data.py): base, or preambles for stage 2')
    ap.add_argument('--init', default=None, help='start from these weights (a ckpt.pt, e.g. upcycle.py\'s, or a llama2.c .bin), with a fresh optimizer')
    ap.add_argument('--preamble-cut', type=float, default=0.0, help='share of preamble examples whose preamble is cut at a random word')
    ap.add_argument('--answer-cut', default='0,0', help='SHARE,N: that share of preamble examples keeps only its first N answer tokens')
    ap.add_argument('--shared-rows', type=int, default=0, help='rows per step of questions after one shared preamble prefix (shared_prefix.py)')
    ap.add_argument('--shared-len', type=int, default=448, help='positions per shared-prefix row')
    ap.add_argument('--shared-keep', type=int, default=3, help='answer tokens kept per question in shared-prefix rows')
    ap.add_argument('--shared-full', type=float, default=0.5, help='share of shared-prefix rows with a whole preamble (else cut at a random word)')
    ap.add_argument('--shared-mix', default='count_down:0.5,count_from:0.3,capital:0.2', help='TASK:W,... asked after the shared prefix')
    ap.add_argument('--probe-every', type=int, default=0, help='every N steps: first answer token of the held-out count-downs, with and without each preamble')
    ap.add_argument('--stop-after', type=int, default=0, help='stop after this step (0: --steps); the schedule still follows --steps, so a run stopped early can be reproduced exactly')
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    tok_cfg_vocab = 1024
    tok = Tokenizer.load(args.tokenizer, tok_cfg_vocab)
    cfg = Config(dim=args.dim, hidden_dim=args.hidden_dim, n_layers=args.layers, n_heads=args.heads,
                 n_kv_heads=args.kv_heads, vocab_size=tok.vocab_size, seq_len=512,
                 n_experts=args.experts, top_k=args.top_k if args.experts else 0)
    model = Llama(cfg)
    decay = [p for p in model.parameters() if p.dim() >= 2]  # matrices, and the experts' stacked matrices
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args.weight_decay},
                             {'params': no_decay, 'weight_decay': 0.0}], lr=args.lr, betas=(0.9, 0.95))
    ckpt_path = os.path.join(args.out, 'ckpt.pt')
    start, elapsed = 0, 0.0
    if args.init and not os.path.exists(ckpt_path):
        model.load_state_dict(load_weights(args.init))
        print('initialised from', args.init, flush=True)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        start, elapsed = ck['step'], ck['elapsed']
        print('resumed at step', start, flush=True)
    print('params %d (%.3f M)' % (model.n_params(), model.n_params() / 1e6), cfg, flush=True)

    splits, tokd = tokenized_splits(tok)
    train = {t: v['train'] for t, v in tokd.items()}
    # count_from's start numbers, as in train (preamble_count_from's params are (preamble, a, b))
    starts = {'count_from': [p[0] for p, _, _ in splits['count_from']['train']],
              'preamble_count_from': [p[1] for p, _, _ in splits['preamble_count_from']['train']]}
    sampler = PackedSampler(train, args.budget, [int(b) for b in args.buckets.split(',')], args.seed,
                            weights=MIXES[args.mix], starts=starts, preamble_cut=args.preamble_cut,
                            answer_cut=(float(args.answer_cut.split(',')[0]), int(args.answer_cut.split(',')[1])))
    tasks = list(sampler.tasks)
    shared = None
    if args.shared_rows:
        pre, cuts = preamble_tokens(tok)
        weights = {t: float(w) for t, w in (x.split(':') for x in args.shared_mix.split(','))}
        base = {t: tokd[t]['train'] for t in weights}
        shared = SharedPrefixSampler(base, pre, cuts, weights, args.shared_rows, args.shared_len, args.shared_keep,
                                     args.seed, full=args.shared_full, starts=starts['count_from'])
        tasks += ['shared_' + t for t in shared.tasks]
    meta = {'config': cfg.to_dict(), 'args': vars(args), 'task_weights': MIXES[args.mix], 'params': model.n_params()}
    with open(os.path.join(args.out, 'run.json'), 'w') as f:
        json.dump(meta, f, indent=1)

    log_path = os.path.join(args.out, 'train_log.jsonl')
    if os.path.exists(log_path):  # a resumed run drops the lines of steps it will redo
        kept = [l for l in open(log_path) if json.loads(l)['step'] <= start]
        with open(log_path, 'w') as f:
            f.writelines(kept)
    log = open(log_path, 'a')
    evlog = open(os.path.join(args.out, 'eval_log.jsonl'), 'a')

    def save(step):
        torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step, 'elapsed': elapsed,
                    'config': cfg.to_dict(), 'args': vars(args)}, ckpt_path + '.tmp')
        os.replace(ckpt_path + '.tmp', ckpt_path)

    t_last, elapsed0 = time.time(), elapsed
    last = min(args.steps, args.stop_after or args.steps)
    for step in range(start, last):
        lr = lr_at(step, args.steps, args.lr, args.warmup, args.cosine_horizon, args.cooldown)
        for g in opt.param_groups:
            g['lr'] = lr
        model.train()
        opt.zero_grad(set_to_none=True)
        parts = [(*p, None) for p in sampler.batch(step)]
        if shared:
            parts.append(shared.batch(step, task_offset=len(sampler.tasks)))
        n_answer = sum(int(p[4].sum()) for p in parts)
        n_real = sum(int((p[3] >= 0).sum()) for p in parts)
        all_losses, all_tasks, loads, bal = [], [], 0, 0.0
        for tokens, targets, pos, seg, lmask, task_of, parent in parts:  # one forward per row length, grads accumulate
            h = model.forward_packed(tokens, pos, seg, parent)
            losses = F.cross_entropy(model.logits(h[lmask]), targets[lmask], reduction='none')
            objective = losses.sum() / n_answer
            if cfg.n_experts:  # routed tokens: every real token (prompts too, as at inference), never padding
                keep = (seg >= 0).view(-1)
                stats = [layer.feed_forward.last for layer in model.layers]
                b = sum(balance_loss(p, i, keep) for p, i in stats) / cfg.n_layers
                bal += float(b) * int(keep.sum()) / n_real
                if args.balance:
                    objective = objective + args.balance * b * int(keep.sum()) / n_real
                loads = loads + torch.stack([F.one_hot(i[keep], cfg.n_experts).sum((0, 1)) for _, i in stats])
            objective.backward()
            all_losses.append(losses.detach())
            all_tasks.append(task_of[lmask])
        losses, tl = torch.cat(all_losses), torch.cat(all_tasks)
        loss = losses.mean()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        now = time.time()
        elapsed += now - t_last
        t_last = now
        per_task = {tasks[i]: round(float(losses[tl == i].mean()), 5) for i in range(len(tasks)) if (tl == i).any()}
        moe = {}
        if cfg.n_experts:  # per layer: routing slots per expert, and max/mean of them (1.0 = perfectly even)
            moe = {'balance_loss': round(bal, 5), 'load': loads.tolist(),
                   'imbalance': [round(float(l.max() / l.float().mean()), 3) for l in loads]}
        log.write(json.dumps({**moe, 'step': step + 1, 'loss': round(float(loss), 5), 'lr': lr, 'gnorm': round(float(gnorm), 4),
                              'elapsed': round(elapsed, 2), 'answer_tokens': n_answer, 'rows': [tuple(p[0].shape) for p in parts], 'tasks': per_task}) + '\n')
        log.flush()
        if (step + 1) % 10 == 0 or step == start:
            print('step %d loss %.4f lr %.2e %.2fs/step elapsed %.0fs %s%s' % (
                step + 1, float(loss), lr, (elapsed - elapsed0) / (step + 1 - start), elapsed, per_task,
                ' imbalance %s' % moe['imbalance'] if moe else ''), flush=True)
        if (step + 1) % args.ckpt_every == 0 or step + 1 == last:
            save(step + 1)
        if args.probe_every and (step + 1) % args.probe_every == 0:
            t0 = time.time()
            res = {'step': step + 1, 'probe': first_token_probe(model, tok, splits)}
            evlog.write(json.dumps(res) + '\n')
            evlog.flush()
            print('probe', json.dumps(res), '(%.0fs)' % (time.time() - t0), flush=True)
            t_last = time.time()
        if args.eval_every and ((step + 1) % args.eval_every == 0 or step + 1 == args.steps):
            t0 = time.time()
            res = evaluate(model, tok, splits, quick=True)
            res = {'step': step + 1, **{t: r['summary'] for t, r in res.items()}}
            evlog.write(json.dumps(res) + '\n')
            evlog.flush()
            print('eval', json.dumps(res), '(%.0fs)' % (time.time() - t0), flush=True)
            t_last = time.time()  # eval time is not training time
    print('done', last, 'steps, %.0f s' % elapsed, flush=True)


if __name__ == '__main__':
    main()
