"""PyTorch's forward of an exported MoE checkpoint on a few prompts, for the engine's tests to compare against.

  /usr/bin/python3 tools/train/moe_reference.py --model public/models/batchscope-tiny-moe.bin [--out FILE]

Loads the .bin back into the PyTorch model (export.load_checkpoint_bin, independent of the TypeScript reader) and
writes, per prompt: its tokens, the logits at the last prompt position (float32 values), every token's top-k experts
in every layer (best first), and the greedy continuation until EOS. engine/model/moe-reference.test.ts runs the CPU
engine (TypeScript and WebAssembly) and the WebGPU parity test on the same prompts and compares. finalize.py
--moe writes it for each shipped MoE checkpoint.
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'corpus'))
from export import load_checkpoint_bin  # noqa: E402
from tokenizer import EOS, Tokenizer  # noqa: E402

PROMPTS = ['What is the capital of California:', 'Count down from 12:', 'Repeat cat 4 times:',
           'List the capitals from Utah:', 'Count from 3 to 9:']


def reference(model_path, tok_path, prompts=PROMPTS, max_new=24):
    model = load_checkpoint_bin(model_path)
    tok = Tokenizer.load(tok_path, model.c.vocab_size)
    out = []
    for prompt in prompts:
        ids = tok.encode(prompt)
        T = len(ids)
        with torch.no_grad():
            h = model.hidden(torch.tensor([ids]), torch.arange(T).view(1, T),
                             torch.ones(T, T, dtype=torch.bool).tril().view(1, 1, T, T))
            logits = model.logits(h)[0, -1]
        experts = [layer.feed_forward.last[1].tolist() for layer in model.layers]    # (layer, T, k)
        greedy = model.generate_greedy([ids], max_new, eos=EOS)[0]
        out.append({'prompt': prompt, 'tokens': ids, 'lastLogits': [float(v) for v in logits],
                    'experts': experts, 'greedy': greedy})
    return {'model': os.path.basename(model_path), 'config': model.c.to_dict(), 'prompts': out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True)
    ap.add_argument('--tokenizer', default=os.path.join(HERE, '..', '..', 'public', 'models', 'batchscope-tiny.tok.bin'))
    ap.add_argument('--out', default=None, help='default: next to the model, NAME.reference.json')
    args = ap.parse_args()
    torch.set_num_threads(1)
    res = reference(args.model, args.tokenizer)
    path = args.out or args.model.replace('.bin', '.reference.json')
    with open(path, 'w') as f:
        json.dump(res, f, separators=(',', ':'))
        f.write('\n')
    print('wrote', path, os.path.getsize(path), 'bytes')


if __name__ == '__main__':
    main()
