import { describe, expect, it } from 'vitest';
import { capitalPrompt, countDownPrompt, listCapitalsPrompt, STATES } from '../../engine/model/tasks';
import { KNOWN_PREAMBLE_MISSES, PREAMBLES, withPreamble } from '../../engine/model/preambles';
import { loadBuiltinModel, promptFromParams, runPrompts } from './model-eval';

/** A fast subset of `npm run eval:model`: a few prompts through the TypeScript CPU engine, greedy. */
describe('built-in model (fast eval subset)', () => {
  const lm = loadBuiltinModel();

  it('answers capitals, Anyscale\'s example included, and stops', async () => {
    const picks = ['California', 'Texas', 'New York', 'Arkansas'].map((s) => capitalPrompt(STATES.findIndex(([n]) => n === s)));
    const res = await runPrompts(lm, picks);
    expect(res[0]).toMatchObject({ prompt: 'What is the capital of California:', generated: ' Sacramento', exact: true });
    for (const r of res) expect(r, r.prompt).toMatchObject({ exact: true, noEos: false });
  });

  it('counts down exactly from held-out start numbers, EOS right after 0', async () => {
    const held = lm.meta.heldout.count_down.filter((n) => n <= 40).slice(0, 4);
    expect(held.length).toBeGreaterThan(0);
    const res = await runPrompts(lm, held.map((n) => promptFromParams('count_down', [n])));
    for (const r of res) expect(r, r.prompt).toMatchObject({ exact: true, eosAtEnd: true });
  });

  it('names capitals and counts down from held-out starts after every preamble (the system-prompt preset asks both there), and stops', async () => {
    const picks = ['California', 'Arkansas', 'Alabama'].map((s) => capitalPrompt(STATES.findIndex(([n]) => n === s)));
    // Held-out starts the workload helper may ask there (the known misses it never asks are left out).
    const missed = (k: number, n: number) => KNOWN_PREAMBLE_MISSES.some(([p, q]) => p === k && q === countDownPrompt(n).prompt);
    const held = (k: number) => lm.meta.heldout.count_down.filter((n) => n <= 40 && !missed(k, n)).slice(0, 3).map((n) => countDownPrompt(n));
    const res = await runPrompts(lm, PREAMBLES.flatMap((_, k) => [...picks, ...held(k)].map((p) => withPreamble(k, p))));
    for (const r of res) expect(r, r.prompt.slice(-40)).toMatchObject({ exact: true, eosAtEnd: true });
  });

  it('answers short and long prompts in one batch, each stopping at its own length', async () => {
    const res = await runPrompts(lm, [countDownPrompt(0), countDownPrompt(25), listCapitalsPrompt(STATES.length - 3)]);
    expect(res.map((r) => r.generated)).toEqual([
      ' 0',
      countDownPrompt(25).answer,
      ' The capital of West Virginia is Charleston. The capital of Wisconsin is Madison. The capital of Wyoming is Cheyenne.',
    ]);
  });
});
