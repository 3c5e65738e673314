import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadStories } from '../../tools/testing/stories260k';
import { PREAMBLES, PREAMBLE_TOKENS } from '../model/preambles';
import { taskPromptSource } from '../model/tasks';
import { readTokenizer } from '../model/tokenizer';
import { lengthOnlyPrompts, storyPrompts } from './prompts';
import { fillerPrompt, generateWorkload, materialize } from './workload';
import { parseWorkload, serializeWorkload } from './workload-json';
import { workloadPreset } from './workload-presets';

const builtinTok = () => readTokenizer(readFileSync(new URL('../../public/models/batchscope-tiny.tok.bin', import.meta.url)), 1024);
const common = (a: number[], b: number[]) => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

describe('workloads with a shared system prompt', () => {
  it('puts one trained preamble before every task question, sharing exactly its tokens', () => {
    const tok = builtinTok();
    const w = generateWorkload(workloadPreset('system-prompt', 3), taskPromptSource);
    expect(w.requests.every((r) => r.prompt!.startsWith(`${PREAMBLES[1]} `))).toBe(true);
    expect(PREAMBLES.map((p) => tok.encode(p).length)).toEqual(PREAMBLE_TOKENS);
    const rs = materialize(w, tok);
    for (const r of rs.slice(1)) expect(common(r.prompt, rs[0].prompt)).toBeGreaterThanOrEqual(PREAMBLE_TOKENS[1]);
    // Each prompt is the preamble's tokens then the question's own, as the model was trained.
    const q = w.requests[0].prompt!.slice(PREAMBLES[1].length + 1);
    expect(rs[0].prompt).toEqual([...tok.encode(PREAMBLES[1]), ...tok.encode(q).slice(1)]);
  });

  it('gives length-only prompts exactly the shared prefix and nothing more in common', () => {
    const spec = { ...workloadPreset('system-prompt', 1), sharedPrefix: 40, promptTokens: { kind: 'fixed' as const, n: 10 } };
    const w = generateWorkload(spec, lengthOnlyPrompts);
    expect(w.requests[0]).toMatchObject({ promptLength: 50, prefixLength: 40 });
    const rs = materialize(parseWorkload(serializeWorkload(w)), null);
    for (const r of rs.slice(1)) expect(common(r.prompt, rs[0].prompt)).toBe(40);
    const plain = materialize(generateWorkload(workloadPreset('uniform', 1), lengthOnlyPrompts), null);
    expect(common(plain[0].prompt, plain[1].prompt)).toBe(1); // BOS only: distinct prompts stay distinct to the cache
    expect(fillerPrompt(61, 5)).toEqual([1, 4, 4, 0, 0]); // 61 = 1 + 1 x 60, least significant digit first
  });

  it('makes a shared prefix of story openings for a model without tasks', () => {
    const { tok512 } = loadStories();
    const spec = { ...workloadPreset('system-prompt', 2), sharedPrefix: 30 };
    const rs = materialize(generateWorkload(spec, storyPrompts(tok512)), tok512);
    for (const r of rs.slice(1)) expect(common(r.prompt, rs[0].prompt)).toBeGreaterThanOrEqual(30);
    expect(rs[0].prompt.length).toBe(30 + 16 - 1);
  });
});

describe('workloads asking for several completions', () => {
  it('draws n from a stream of its own, leaving arrivals, prompts and lengths as they were', () => {
    const base = generateWorkload(workloadPreset('high-variance', 5), taskPromptSource);
    const ps = generateWorkload({ ...workloadPreset('high-variance', 5), completions: { kind: 'uniform', min: 2, max: 8 } }, taskPromptSource);
    expect(ps.requests.map(({ n: _n, ...r }) => r)).toEqual(base.requests);
    expect(new Set(ps.requests.map((r) => r.n)).size).toBeGreaterThan(2);
    expect(ps.requests.every((r) => r.n! >= 2 && r.n! <= 8)).toBe(true);
    const back = materialize(parseWorkload(serializeWorkload(ps)), builtinTok());
    expect(back.map((r) => r.n)).toEqual(ps.requests.map((r) => r.n));
  });

  it('refuses a bad n or prefix length in a workload file', () => {
    const file = (r: object) => JSON.stringify({ format: 'batchscope-workload', version: 1, requests: [{ id: 0, arrivalMs: 0, promptLength: 8, maxNewTokens: 4, ...r }] });
    expect(() => parseWorkload(file({ n: 0 }))).toThrow(/requests\[0\]\.n must be an integer in \[1, 64\]/);
    expect(() => parseWorkload(file({ n: 65 }))).toThrow(/n must be an integer/);
    expect(() => parseWorkload(file({ n: 2.5 }))).toThrow(/n must be an integer/);
    expect(() => parseWorkload(file({ prefixLength: 9 }))).toThrow(/prefixLength must be an integer in \[1, 8\]/);
    expect(parseWorkload(file({ n: 3, prefixLength: 8 })).requests[0]).toMatchObject({ n: 3, prefixLength: 8 });
  });
});
