import { describe, expect, it } from 'vitest';
import { loadStories } from '../../tools/testing/stories260k';
import { CpuBackend } from '../backend/cpu';
import { BOS, EOS } from '../model/tokenizer';
import { ServingEngine } from './engine';
import { generateAll } from './generate';
import type { Request } from './request';
import { drain } from './testing/requests';

/**
 * End to end on a real model: every request served in a batch, under each strategy and KV
 * manager, must produce exactly the text it produces alone (greedy). A pool too small for every
 * request at once forces paged preemption and recompute, and five requests for three slots make
 * continuous batching admit newcomers mid-run, mixing prefill chunks with decodes. Arrivals are a
 * burst: timed arrivals land in iterations that depend on measured step times, and with the
 * WebAssembly kernels' shorter steps the requests no longer overlapped enough to preempt.
 */
describe('serving stories260K on the CPU engine', async () => {
  const { model, tok512 } = loadStories();
  const prompts = ['Once upon a time', 'Tom had a red ball.', 'The cat', 'Lily went to the park with her mom.', 'One day'];
  const requests: Request[] = prompts.map((text, id) => ({
    id,
    prompt: tok512.encode(text),
    promptText: text,
    maxNewTokens: 14 + 3 * id,
    expectedNewTokens: 14 + 3 * id,
    sampling: { temperature: 0, topP: 1, seed: id },
    arrivalMs: 0,
  }));
  const text = (tokens: number[]) => tok512.decode(tokens.filter((t) => t !== EOS && t !== BOS));
  const alone = await Promise.all(
    requests.map(async (r) => {
      const backend = new CpuBackend(model, { numBlocks: 8, blockSize: 8 });
      const [res] = await generateAll(backend, [{ prompt: r.prompt, steps: r.prompt.length + r.maxNewTokens - 1, sampling: r.sampling }]);
      return text(res.tokens);
    }),
  );

  for (const strategy of ['static', 'continuous'] as const) {
    for (const kvManager of ['paged', 'contiguous'] as const) {
      it(`${strategy} batching with ${kvManager} KV gives every request its solo greedy text`, async () => {
        // 6 blocks of 8: room for the longest request (35 positions) but not for three at once; continuous
        // batching also chunks prompts into a 6-token budget.
        const backend = new CpuBackend(model, { numBlocks: 6, blockSize: 8 });
        const engine = new ServingEngine({ backend, requests, strategy, kvManager, knobs: strategy === 'continuous' ? { maxNumSeqs: 3, chunkedPrefill: true, maxNumBatchedTokens: 6 } : { maxNumSeqs: 3 } });
        const events = await drain(engine);
        const records = engine.records();
        records.forEach((r, i) => expect(text(r.output), `request ${i}`).toBe(alone[i]));
        if (kvManager === 'paged' && strategy === 'continuous') expect(records.some((r) => r.preemptions > 0)).toBe(true);
        expect(events.every((e) => e.timeSource === 'measured')).toBe(true);
      });
    }
  }
});
