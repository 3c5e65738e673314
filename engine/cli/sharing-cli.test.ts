import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completionSeed } from '../model/rng';
import { parseWorkload, serializeWorkload } from '../serve/workload-json';
import { cli } from './testing';

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; texts: string[]; tokens: number[][] });

describe('batchscope run: prefix caching and parallel sampling (built-in model, CPU)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-share-'));
  const out = (name: string) => join(dir, name);

  it('gives every request the same text with prefix caching on and off, computing the preamble once', async () => {
    const base = ['run', '--workload', 'system-prompt', '--requests', '6', '--max-batch', '3', '--temperature', '0.8', '--json'];
    const off = await cli(...base, '--outputs', out('off.jsonl'));
    const on = await cli(...base, '--prefix-caching', '--outputs', out('on.jsonl'));
    expect(on.code, on.stderr).toBe(0);
    expect(lines(out('on.jsonl'))).toEqual(lines(out('off.jsonl')));
    const [a, b] = [JSON.parse(off.stdout), JSON.parse(on.stdout)];
    expect(a.prefixCache.tokensFromCache).toBe(0);
    // Three at once find nothing cached; the next three reuse the preamble's full blocks (176 of its 186 tokens).
    expect(b.prefixCache.tokensFromCache).toBe(3 * 176);
    expect(b.prefixCache.tokensComputed).toBe(a.prefixCache.tokensComputed - 3 * 176);
    expect(b.prefixCache.hitRate).toBeGreaterThan(0.4);
    expect(b.kv.sharedPct).toBeGreaterThan(0);
  });

  it('writes n completions per request, each the request alone with its stream seed, sharing the prompt', async () => {
    const saved = out('n.json');
    const r = await cli('run', '--workload', 'system-prompt', '--requests', '3', '--n', '3', '--temperature', '1', '--outputs', out('n.jsonl'), '--save-workload', saved, '--json');
    expect(r.code, r.stderr).toBe(0);
    const got = lines(out('n.jsonl'));
    expect(got.map((l) => l.tokens.length)).toEqual([3, 3, 3]);
    expect(JSON.parse(r.stdout).kv.sharedPct).toBeGreaterThan(0);
    // The same requests one completion each, completion c's seed given to a copy of the request.
    const w = parseWorkload(readFileSync(saved, 'utf8'));
    const alone = w.requests.flatMap((q) => [0, 1, 2].map((c) => ({ ...q, id: q.id * 3 + c, n: 1, sampling: { ...q.sampling, seed: completionSeed(q.sampling.seed, c) } })));
    writeFileSync(out('alone.json'), serializeWorkload({ ...w, requests: alone }));
    const solo = await cli('run', '--workload', out('alone.json'), '--outputs', out('alone.jsonl'), '--json');
    expect(solo.code, solo.stderr).toBe(0);
    const soloLines = lines(out('alone.jsonl'));
    got.forEach((l) => l.tokens.forEach((t, c) => expect(t).toEqual(soloLines[l.id * 3 + c].tokens[0])));
  });

  it('refuses what it cannot honour, in one line', async () => {
    const cases: [string[], RegExp][] = [
      [['--workload', 'uniform', '--n', '9', '--max-batch', '8'], /9 completions but max_num_seqs is 8/],
      [['--workload', 'uniform', '--n', '0'], /--n must be an integer in \[1, 64\]/],
      [['--workload', 'uniform', '--backend', 'sim', '--outputs', out('x.jsonl')], /--outputs needs a real model/],
      [['--workload', out('n.json'), '--n', '2'], /--n apply only to presets/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli('run', ...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const contiguous = await cli('run', '--workload', 'uniform', '--requests', '2', '--backend', 'sim', '--kv', 'contiguous', '--prefix-caching', '--json');
    expect(contiguous.stderr).toMatch(/a contiguous reservation cannot share/);
  });
});
