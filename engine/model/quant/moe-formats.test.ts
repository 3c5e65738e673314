import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../backend/cpu';
import { maxAbsDiff } from '../../backend/webgpu/testing/random';
import { generateAll } from '../../serve/generate';
import { EOS } from '../tokenizer';
import { GREEDY } from '../sampler';
import { loadMoeReference } from '../../../tools/testing/moe-reference';
import { MOE_INT8_REFUSAL, weightsProblem } from './formats';

const dir = process.env.BATCHSCOPE_MOE_REFERENCE_DIR;

/**
 * A mixture of experts with a quantized KV cache (the cache does not depend on the experts, so it
 * should just work), and the one refused combination: int8 weights, which no expert kernel reads.
 * Checked against PyTorch's greedy continuations of the shipped tiny-moe (not written here).
 */
describe.each(['js', 'wasm'] as const)('tiny-moe on the CPU engine (%s kernels) with number formats', (kernels) => {
  it.each(['f16', 'int8'] as const)('%s KV cache: decodes the greedy continuations PyTorch decoded, all prompts in one batch', async (dtype) => {
    const { model, ref } = loadMoeReference('batchscope-tiny-moe', dir);
    const backend = new CpuBackend(model, { numBlocks: 64, blockSize: 16, dtype }, { kernels });
    expect(backend.formats).toEqual({ weights: 'f32', kv: dtype, attention: 'fused' });
    const steps = Math.max(...ref.prompts.map((p) => p.tokens.length + p.greedy.length));
    const out = await generateAll(backend, ref.prompts.map((p) => ({ prompt: p.tokens, steps, sampling: GREEDY })));
    out.forEach((r, i) => {
      const want = ref.prompts[i].greedy;
      const ended = want[want.length - 1] === EOS;
      expect(ended ? r.tokens : r.tokens.slice(0, want.length)).toEqual(ended ? want.slice(0, -1) : want);
    });
  });

  it.each([
    ['f16', 0.02],
    ['int8', 0.2],
  ] as const)('%s KV cache: a decode step after each prompt stays within %s of the f32 cache\'s logits', (dtype, limit) => {
    const { model, ref } = loadMoeReference('batchscope-tiny-moe', dir);
    for (const p of ref.prompts) {
      const run = (kv: 'f32' | 'f16' | 'int8') => {
        const b = new CpuBackend(model, { numBlocks: 8, blockSize: 16, dtype: kv }, { kernels });
        b.stepSync([{ tokens: p.tokens, startPos: 0, blockTable: [0, 1, 2, 3, 4, 5, 6, 7] }]);
        // The decode step reads every prompt position back from the (quantized) cache.
        return b.stepSync([{ tokens: [p.greedy[0]], startPos: p.tokens.length, blockTable: [0, 1, 2, 3, 4, 5, 6, 7] }]).logits[0]!;
      };
      const d = maxAbsDiff(run(dtype), run('f32'));
      expect(d).toBeGreaterThan(0); // the cache really is quantized
      expect(d).toBeLessThanOrEqual(limit);
    }
  });

  it('refuses int8 weights with one line: the expert kernels read float32', () => {
    const { model } = loadMoeReference('batchscope-tiny-moe', dir);
    expect(weightsProblem(model.config, 'int8')).toBe(MOE_INT8_REFUSAL);
    expect(weightsProblem(model.config, 'f32')).toBeNull();
    expect(weightsProblem({ ...model.config, moe: undefined }, 'int8')).toBeNull();
    expect(() => new CpuBackend(model, { numBlocks: 4, blockSize: 16 }, { kernels, weights: 'int8' })).toThrow(MOE_INT8_REFUSAL);
  });
});

describe('the serving engine on tiny-moe with an int8 KV cache', () => {
  it("puts each step's expert bytes from its routing record into the step's traffic, never a dense FFN or every expert", async () => {
    const { ServingEngine } = await import('../../serve/engine');
    const { drain, testRequest } = await import('../../serve/testing/requests');
    const { stepTraffic } = await import('../../backend/traffic');
    const { model } = loadMoeReference('batchscope-tiny-moe', dir);
    const backend = new CpuBackend(model, { numBlocks: 32, blockSize: 16, dtype: 'int8' });
    const requests = [0, 1, 2].map((id) => testRequest(id, 5 + id, 6, { stopAfter: 6 }));
    const events = await drain(new ServingEngine({ backend, requests, strategy: 'continuous', knobs: { maxNumSeqs: 3 } }));
    expect(events.length).toBeGreaterThan(3);
    for (const e of events) {
      expect(e.formats).toEqual({ weights: 'f32', kv: 'int8', attention: 'fused' });
      const seqs = e.slots.filter((s) => s.kind !== 'idle' && s.tokenCount > 0).map((s) => ({ tokens: s.tokenCount, startPos: s.startPos ?? 0, logitRows: s.outputToken >= 0 ? 1 : 0 }));
      const at = (expertBytes: number) => stepTraffic(model.config, e.formats!, seqs, { expertBytes }).weights;
      expect(e.experts!.bytes).toBeGreaterThan(0);
      expect(e.traffic!.weights).toBe(at(e.experts!.bytes));
      expect(e.traffic!.weights).toBeLessThanOrEqual(at(8 * 4 * expertWeightBytesOf(model.config)));
    }
  });
});

const expertWeightBytesOf = (c: { dim: number; hiddenDim: number }) => 3 * c.dim * c.hiddenDim * 4;
