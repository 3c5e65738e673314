import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu';
import { seeded } from '../backend/webgpu/testing/random';
import { loadModelFiles } from '../cli/files';
import { generateAll } from '../serve/generate';
import { generateWorkload, materialize } from '../serve/workload';
import { workloadPreset } from '../serve/workload-presets';
import { resumedTaskPrompt } from './resumed-tasks';
import { countDownPrompt, listCapitalsPrompt, taskPromptSource } from './tasks';
import { EOS } from './tokenizer';

const { model, tokenizer } = loadModelFiles();

describe('resumed task prompts', () => {
  it('carry the start of the answer, and the model says the rest and stops (greedy, CPU engine)', async () => {
    const rng = seeded(4);
    const picks = [resumedTaskPrompt(170, 20, rng), resumedTaskPrompt(300, 60, rng), resumedTaskPrompt(390, 30, rng)];
    expect(picks[0].text.startsWith('Count down from')).toBe(true);
    expect(picks[2].text.startsWith('List the capitals from')).toBe(true);
    const backend = new CpuBackend(model, { numBlocks: 3 * 32, blockSize: 16 });
    const prompts = picks.map((p) => tokenizer.encode(p.text));
    const out = await generateAll(
      backend,
      prompts.map((prompt) => ({ prompt, steps: model.config.seqLen, sampling: { temperature: 0, topP: 1, seed: 0 } })),
    );
    picks.forEach((p, i) => {
      expect(Math.abs(prompts[i].length - p.promptTokens), p.text.slice(0, 40)).toBeLessThanOrEqual(3);
      expect(out[i].stop).toBe('eos');
      // The answer's rest: the full answer's text, minus what the prompt carried.
      const task = p.text.startsWith('Count') ? countDownPrompt(Number(/from (\d+)/.exec(p.text)![1])) : listCapitalsPrompt(0);
      const full = tokenizer.encode(task.prompt + task.answer);
      if (task.prompt.startsWith('Count')) expect(out[i].tokens).toEqual(full.slice(prompts[i].length));
      expect(out[i].tokens.length + 1).toBe(p.newTokens);
    });
    expect(EOS).toBe(2);
  });

  it('make the long-prompts workload: prompts of 150-400 tokens, short and long answers mixed', () => {
    for (const seed of [1, 2, 3]) {
      const w = generateWorkload(workloadPreset('long-prompts', seed), taskPromptSource);
      const requests = materialize(w, tokenizer);
      const lengths = requests.map((r) => r.prompt.length);
      expect(Math.min(...lengths)).toBeGreaterThanOrEqual(150);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(400);
      const answers = requests.map((r) => r.expectedNewTokens);
      expect(answers.some((a) => a <= 10)).toBe(true);
      expect(answers.some((a) => a >= 100)).toBe(true);
      for (const r of requests) expect(r.prompt.length + r.maxNewTokens - 1).toBeLessThanOrEqual(model.config.seqLen);
    }
  });
});
