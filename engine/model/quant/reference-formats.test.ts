import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../backend/cpu';
import { loadStories, logitsReference } from '../../../tools/testing/stories260k';
import type { KvDtype, WeightDtype } from './formats';

/**
 * Every number format against logits nobody here computed: llama2.c's own float32 run of
 * stories260K (reference/logits/prompt1_all_positions_logits.f32, 200 positions x 512). The
 * sequence is read teacher-forced (the reference's prompt and greedy tokens in one prefill), so
 * each position compares like with like. Bounds sit above what was measured (kernels js and wasm
 * alike; max |diff| / positions whose argmax agrees): f16 KV 0.025 / 200, int8 weights 0.43 / 198,
 * int8 KV 1.04 / 197, both int8 1.21 / 197. float32 itself is held to 1e-4 in forward-cpu.test.ts.
 */

const CASES: [WeightDtype, KvDtype, number, number][] = [
  // weights, KV, max |logit - llama2.c|, positions (of 200) whose greedy token agrees
  ['f32', 'f16', 0.05, 200],
  ['int8', 'f32', 0.6, 196],
  ['f32', 'int8', 1.4, 194],
  ['int8', 'int8', 1.5, 194],
];

describe.each(['js', 'wasm'] as const)('number formats vs llama2.c on stories260K (%s kernels)', (kernels) => {
  it.each(CASES)('weights %s, KV %s: every logit within %s of the reference, greedy agreement at >= %s of 200 positions', (weights, dtype, tol, minAgree) => {
    const { model } = loadStories();
    const ref = logitsReference();
    const vocab = model.config.vocabSize;
    const tokens = [...ref.promptTokens, ...ref.generatedTokens].slice(0, ref.steps);
    const backend = new CpuBackend(model, { numBlocks: 13, blockSize: 16, dtype }, { kernels, weights });
    const all = backend.stepSync([{ tokens, startPos: 0, blockTable: Array.from({ length: 13 }, (_, i) => 12 - i), logits: 'all' }]).logits[0]!;
    expect(all.length).toBe(ref.all.length);
    const argmax = (a: Float32Array, at: number) => {
      let best = 0;
      for (let v = 1; v < vocab; v++) if (a[at + v] > a[at + best]) best = v;
      return best;
    };
    let worst = 0;
    let agree = 0;
    for (let p = 0; p < ref.steps; p++) {
      const at = p * vocab;
      for (let v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(all[at + v] - ref.all[at + v]));
      if (argmax(all, at) === argmax(ref.all, at)) agree++;
    }
    // The format really is in use (a path that silently ran float32 would match to 1e-4).
    expect(worst).toBeGreaterThan(1e-3);
    expect(worst).toBeLessThanOrEqual(tol);
    expect(agree).toBeGreaterThanOrEqual(minAgree);
  });
});
