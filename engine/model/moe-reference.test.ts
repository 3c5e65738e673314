import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu';
import { maxAbsDiff } from '../backend/webgpu/testing/random';
import { generateAll } from '../serve/generate';
import { EOS } from './tokenizer';
import { GREEDY } from './sampler';
import { loadMoeReference, referenceLoad } from '../../tools/testing/moe-reference';

const dir = process.env.BATCHSCOPE_MOE_REFERENCE_DIR;
const MODELS = (process.env.BATCHSCOPE_MOE_MODELS ?? 'batchscope-tiny-moe,batchscope-tiny-moe-unbalanced').split(',');

/**
 * The shipped MoE checkpoints against PyTorch's forward (tools/train/moe_reference.py, written when
 * the model was exported): the engine's reader and forward pass are TypeScript written here, the
 * reference is the training code's own model loaded by the Python exporter.
 */
describe.each(MODELS)('%s against the PyTorch reference', (name) => {
  describe.each(['js', 'wasm'] as const)('CPU engine, %s kernels', (kernels) => {
    it('routes every prompt token to the experts PyTorch chose, and gives its last logits within 1e-4', () => {
      const { model, ref } = loadMoeReference(name, dir);
      const E = model.config.moe!.nExperts;
      for (const p of ref.prompts) {
        const backend = new CpuBackend(model, { numBlocks: 4, blockSize: 16 }, { kernels });
        const { logits } = backend.stepSync([{ tokens: p.tokens, startPos: 0, blockTable: [0, 1, 2, 3] }]);
        expect(backend.forward.expertLoad).toEqual(referenceLoad(p, E));
        expect(maxAbsDiff(logits[0]!, p.lastLogits)).toBeLessThanOrEqual(1e-4);
      }
    });

    it('decodes the greedy continuation PyTorch decoded, all prompts in one batch', async () => {
      const { model, ref } = loadMoeReference(name, dir);
      const backend = new CpuBackend(model, { numBlocks: 64, blockSize: 16 }, { kernels });
      const steps = Math.max(...ref.prompts.map((p) => p.tokens.length + p.greedy.length));
      const out = await generateAll(backend, ref.prompts.map((p) => ({ prompt: p.tokens, steps, sampling: GREEDY })));
      out.forEach((r, i) => {
        const want = ref.prompts[i].greedy;
        const ended = want[want.length - 1] === EOS;
        expect(ended ? r.tokens : r.tokens.slice(0, want.length)).toEqual(ended ? want.slice(0, -1) : want);
        if (ended) expect(r.stop).toBe('eos');
      });
    });
  });
});
