import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded } from '../backend/webgpu/testing/random';
import { readTokenizer } from './tokenizer';
import {
  EXACT_TASKS,
  KNOWN_MISSES,
  MODEL_TASKS,
  REPEAT_WORDS,
  STATES,
  achievableNewTokens,
  allTaskPrompts,
  countDownPrompt,
  taskPrompt,
  taskPromptSource,
} from './tasks';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root));

describe('model tasks', () => {
  it('embeds the corpus data files unchanged', () => {
    const csv = read('tools/data/us_states.csv').toString().trim().split('\n').slice(1);
    expect(STATES.map(([s, c]) => `${s},${c}`)).toEqual(csv);
    expect(REPEAT_WORDS).toEqual(read('tools/data/repeat_words.txt').toString().trim().split('\n'));
  });

  it('knows each answer length in tokens of the shipped tokenizer', () => {
    const tok = readTokenizer(read('public/models/batchscope-tiny.tok.bin'), 1024, 'batchscope-tiny.tok.bin');
    // Every capital; a sample of the long lists and count-downs (the encoder is quadratic in the text length).
    const sample = [
      ...allTaskPrompts('capital'),
      ...allTaskPrompts('list_capitals').filter((_, i) => i % 12 === 5),
      ...allTaskPrompts('count_down').filter((_, n) => n % 20 === 0 || n === 199),
    ];
    for (const p of sample) {
      const promptTokens = tok.encode(p.prompt, { bos: true });
      const all = tok.encode(p.prompt + p.answer, { bos: true });
      expect(all.slice(0, promptTokens.length)).toEqual(promptTokens);
      expect(all.length - promptTokens.length, p.prompt).toBe(p.answerTokens);
    }
  });

  it('builds the exact formats the model was trained on', () => {
    const p = countDownPrompt(45);
    expect(p.prompt).toBe('Count down from 45:');
    expect(p.answer.startsWith(' 45 44 43')).toBe(true);
    expect(p.answer.endsWith(' 2 1 0')).toBe(true);
    expect(p.answerTokens).toBe(46);
    expect(p.newTokens).toBe(47);
    expect(allTaskPrompts('capital')[4]).toMatchObject({ prompt: 'What is the capital of California:', answer: ' Sacramento' });
    expect(allTaskPrompts('list_capitals')[49].answer).toBe(' The capital of Wyoming is Cheyenne.');
    expect(allTaskPrompts('count_from')).toHaveLength(20100);
    expect(allTaskPrompts('repeat')[0]).toMatchObject({ prompt: 'Repeat cat 1 times:', answer: ' cat', answerTokens: 1 });
    expect(MODEL_TASKS.map((t) => t.id).sort()).toEqual(['capital', 'count_down', 'count_from', 'list_capitals', 'repeat']);
  });

  it('returns a prompt of exactly the requested length wherever one exists', () => {
    const rng = seeded(7);
    const lengths = achievableNewTokens();
    for (let n = 2; n <= 201; n++) if (!KNOWN_MISSES.includes(countDownPrompt(n - 2).prompt)) expect(lengths).toContain(n);
    for (const n of lengths) {
      for (let k = 0; k < 5; k++) {
        const p = taskPrompt(n, rng);
        expect(p.newTokens).toBe(n);
        expect(EXACT_TASKS).toContain(p.task);
        expect(KNOWN_MISSES).not.toContain(p.prompt);
      }
    }
    expect(Math.max(...lengths)).toBe(428);
  });

  it('falls back to the nearest achievable length', () => {
    const rng = seeded(1);
    expect(taskPrompt(1, rng).newTokens).toBe(2);
    expect(taskPrompt(10_000, rng).newTokens).toBe(428);
    const lengths = achievableNewTokens();
    for (let n = 202; n < 428; n++) {
      const got = taskPrompt(n, rng).newTokens;
      const bestGap = Math.min(...lengths.map((l) => Math.abs(l - n)));
      expect(Math.abs(got - n)).toBe(bestGap);
    }
  });

  it('is deterministic for a seeded source and varies the task', () => {
    const a = Array.from({ length: 50 }, (_, i) => taskPrompt(2 + (i % 8), seeded(3 + i)).prompt);
    const b = Array.from({ length: 50 }, (_, i) => taskPrompt(2 + (i % 8), seeded(3 + i)).prompt);
    expect(a).toEqual(b);
    const rng = seeded(11);
    const tasks = new Set(Array.from({ length: 200 }, () => taskPrompt(2, rng).task));
    expect(tasks).toEqual(new Set(['count_down', 'capital', 'repeat']));
  });

  it('serves as a workload prompt source, EOS counted', () => {
    const p = taskPromptSource.prompt(47, seeded(5));
    expect(p.expectedNewTokens).toBe(47);
    expect(p.text).toMatch(/^(Count down from 45:|.*:)$/);
  });

  it('offers the inexact stretch task only on request', () => {
    const rng = seeded(9);
    expect(taskPrompt(30, rng, ['count_from']).task).toBe('count_from');
    expect(taskPrompt(30, rng, ['count_from']).newTokens).toBe(30);
    expect(EXACT_TASKS).not.toContain('count_from');
  });
});
