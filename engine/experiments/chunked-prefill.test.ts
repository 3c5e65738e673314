import { describe, expect, it } from 'vitest';
import type { Backend, KvLayout, SequenceStep, StepResult } from '../backend/types';
import { loadModelFiles } from '../cli/files';
import { taskPromptSource } from '../model/tasks';
import { ServingEngine } from '../serve/engine';
import { serveToEnd } from '../serve/serve-run';
import { generateWorkload, materialize } from '../serve/workload';
import { workloadPreset } from '../serve/workload-presets';
import { proposeTokenBudget } from './budget';

/** A compute-bound device in miniature: a step costs 0.2 ms + 1 ms per token, nothing flat. */
function proportional(kv: KvLayout): Backend {
  const { model } = loadModelFiles();
  return {
    kind: 'cpu',
    description: 'proportional',
    config: model.config,
    kv,
    async copyBlocks() {},
    async step(seqs: readonly SequenceStep[]): Promise<StepResult> {
      const tokens = seqs.reduce((n, s) => n + s.tokens.length, 0);
      return { logits: seqs.map(() => null), sampled: new Int32Array(seqs.length).fill(5), timing: { wallMs: 0.2 + tokens, source: 'simulated', tokens, sequences: seqs.length } };
    },
    dispose() {},
  };
}

describe('chunked prefill on long prompts, on a compute-bound device', () => {
  it('lowers TPOT p99 at the budget proposed for a device with no flat region, and a budget above the average step does not', async () => {
    const { tokenizer } = loadModelFiles();
    const requests = materialize(generateWorkload(workloadPreset('long-prompts', 1), taskPromptSource), tokenizer);
    // The stand-in model never says EOS: answers end at their expected length, as the real one does.
    for (const r of requests) r.stopAfter = r.expectedNewTokens;
    const serve = async (knobs: object) => (await serveToEnd(new ServingEngine({ backend: proportional({ numBlocks: 256, blockSize: 16 }), requests, strategy: 'continuous', kvManager: 'paged', knobs }))).summary;
    const { budget } = proposeTokenBudget({ verdict: 'no-flat-region', knee: null, flatMs: 1, slopeMs: 1 }, 8, 6);
    const whole = await serve({});
    const chunked = await serve({ chunkedPrefill: true, maxNumBatchedTokens: budget });
    expect(chunked.tpot.p99!).toBeLessThan(0.75 * whole.tpot.p99!);
    expect(chunked.itl.p99!).toBeLessThan(0.25 * whole.itl.p99!);
    expect(chunked.ttft.p50!).toBeGreaterThan(whole.ttft.p50!);
    // Every token costs here: a budget bigger than the average step only makes steps longer.
    const large = await serve({ chunkedPrefill: true, maxNumBatchedTokens: 256 });
    expect(large.tpot.p99!).toBeGreaterThan(whole.tpot.p99!);
  });
});
