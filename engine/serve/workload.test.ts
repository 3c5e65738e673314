import { describe, expect, it } from 'vitest';
import { loadStories } from '../../tools/testing/stories260k';
import { taskPromptSource } from '../model/tasks';
import { arrivalTimes, sampleLength, seededRandom } from './distributions';
import { lengthOnlyPrompts, storyPrompts, type PromptSource } from './prompts';
import { generateWorkload, materialize } from './workload';
import { parseWorkload, serializeWorkload } from './workload-json';
import { workloadPreset } from './workload-presets';

describe('distributions', () => {
  it('keep capped-exponential draws under the cap, near the mean', () => {
    const rng = seededRandom(7);
    const xs = Array.from({ length: 4000 }, () => sampleLength({ kind: 'capped-exponential', mean: 32, cap: 192 }, rng));
    expect(Math.max(...xs)).toBeLessThanOrEqual(192);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(28);
    expect(mean).toBeLessThan(34);
  });

  it('space Poisson arrivals by 1/rate on average and bursts by their period', () => {
    const t = arrivalTimes({ kind: 'poisson', rate: 10 }, 2001, seededRandom(3));
    expect(t[0]).toBe(0);
    expect(t[2000] / 2000).toBeGreaterThan(90);
    expect(t[2000] / 2000).toBeLessThan(110);
    expect(arrivalTimes({ kind: 'bursts', size: 2, everyMs: 50 }, 5, seededRandom(1))).toEqual([0, 0, 50, 50, 100]);
  });
});

describe('workloads', () => {
  it('are a pure function of the seed', () => {
    const a = generateWorkload(workloadPreset('high-variance', 5), lengthOnlyPrompts);
    const b = generateWorkload(workloadPreset('high-variance', 5), lengthOnlyPrompts);
    const c = generateWorkload(workloadPreset('high-variance', 6), lengthOnlyPrompts);
    expect(a).toEqual(b);
    expect(a.requests.map((r) => r.stopAfter)).not.toEqual(c.requests.map((r) => r.stopAfter));
  });

  it('force the answer length when the prompt does not control it, and reserve max_new_tokens', () => {
    const w = generateWorkload(workloadPreset('high-variance', 1), lengthOnlyPrompts);
    for (const r of w.requests) {
      expect(r.maxNewTokens).toBe(192);
      expect(r.stopAfter).toBe(r.expectedNewTokens);
      expect(r.promptLength).toBe(16);
    }
    const anyscale = generateWorkload(workloadPreset('anyscale', 1), lengthOnlyPrompts);
    expect(anyscale.requests.every((r) => r.maxNewTokens === r.stopAfter)).toBe(true);
  });

  it('let the model end the answer when the source controls length', () => {
    const countdown: PromptSource = { name: 'countdown', prompt: (n) => ({ text: `Count down from ${n - 2}:`, expectedNewTokens: n }) };
    const w = generateWorkload(workloadPreset('uniform', 1), countdown);
    expect(w.requests[0]).toMatchObject({ prompt: 'Count down from 62:', expectedNewTokens: 64, maxNewTokens: 64 });
    expect(w.requests[0].stopAfter).toBeUndefined();
  });

  it("take the built-in model's task prompts, whose answers end with EOS at the drawn length", () => {
    const w = generateWorkload(workloadPreset('high-variance', 4), taskPromptSource);
    const drawn = generateWorkload(workloadPreset('high-variance', 4), lengthOnlyPrompts).requests.map((r) => Math.max(2, r.expectedNewTokens));
    w.requests.forEach((r, i) => {
      expect(r.stopAfter).toBeUndefined();
      expect(r.maxNewTokens).toBe(192);
      expect(r.expectedNewTokens).toBe(drawn[i]);
    });
    expect(w.requests.some((r) => /^Count down from \d+:$/.test(r.prompt!))).toBe(true);
  });

  it('build story prompts of exactly the requested token length', () => {
    const { tok512 } = loadStories();
    const w = generateWorkload(workloadPreset('poisson', 2), storyPrompts(tok512));
    const reqs = materialize(w, tok512);
    w.requests.forEach((r, i) => {
      expect(reqs[i].prompt).toEqual(r.promptTokens);
      expect(r.prompt!.length).toBeGreaterThan(0);
    });
    expect(new Set(reqs.map((r) => r.prompt.length)).size).toBeGreaterThan(3);
  });

  it('round-trip through JSON and refuse malformed files with one line', () => {
    const w = generateWorkload(workloadPreset('uniform', 3), lengthOnlyPrompts);
    expect(parseWorkload(serializeWorkload(w))).toEqual(w);
    expect(() => parseWorkload('{')).toThrow(/workload: ends early/);
    expect(() => parseWorkload('{"format":"batchscope-workload","version":1,"requests":[{"id":0,"arrivalMs":0,"maxNewTokens":4}]}')).toThrow(
      /requests\[0\] needs one of prompt/,
    );
    expect(() => materialize(parseWorkload('{"format":"batchscope-workload","version":1,"requests":[{"id":0,"arrivalMs":0,"prompt":"hi","maxNewTokens":4}]}'), null)).toThrow(
      /has a text prompt but the backend has no tokenizer/,
    );
    const one = (r: string) => `{"format":"batchscope-workload","version":1,"requests":[{"id":0,"prompt":"hi","maxNewTokens":4,${r}}]}`;
    expect(() => parseWorkload(one('"arrivalMs":1e999'))).toThrow(/requests\[0\]\.arrivalMs must be a number in \[0, 1000000000000\], got Infinity/);
    expect(() => parseWorkload(one('"arrivalMs":0,"sampling":{"temperature":1e999}'))).toThrow(/requests\[0\]\.sampling\.temperature must be a number in \[0, 100\]/);
  });
});
