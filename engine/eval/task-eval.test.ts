import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu';
import { defaultModelPath, loadModelFiles } from '../cli/files';
import { evalTasks, type BackendFactory, type ModelMeta } from './task-eval';

/**
 * A fast subset of `batchscope eval --weights int8 --kv-dtype int8` on the built-in model (the
 * model card has the whole table): the held-out prompts that test what quantization could break
 * first (long answers keep reading a quantized cache) must all still be answered exactly.
 */
describe('the built-in model with int8 weights and an int8 KV cache', () => {
  it('still answers capitals, held-out count-downs and a long capitals list exactly', async () => {
    const { model, tokenizer } = loadModelFiles();
    const meta = JSON.parse(readFileSync(defaultModelPath.replace(/\.bin$/, '.json'), 'utf8')) as ModelMeta;
    const pick: ModelMeta = {
      eval_prompts: {
        capital: meta.eval_prompts.capital!.slice(0, 10),
        count_down: meta.eval_prompts.count_down!.filter(([n]) => Number(n) >= 100 && Number(n) < 199).slice(0, 4),
        list_capitals: meta.eval_prompts.list_capitals!.slice(0, 2),
      },
    };
    const int8: BackendFactory = async (numBlocks, blockSize) => new CpuBackend(model, { numBlocks, blockSize, dtype: 'int8' }, { weights: 'int8' });
    const scores = await evalTasks(int8, model, tokenizer, pick);
    expect(Object.keys(scores)).toEqual(['capital', 'countDown', 'listCapitals']);
    for (const [task, s] of Object.entries(scores)) {
      expect(s.total, task).toBeGreaterThan(0);
      expect(s.missed.map((m) => m.prompt), task).toEqual([]);
    }
  });
});
