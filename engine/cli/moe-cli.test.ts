import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './testing';
import { parseTrace } from '../serve/trace-import';

/** `batchscope run` on the shipped mixture-of-experts models: every strategy and KV manager, the experts block, traces. */

const json = async (...argv: string[]) => {
  const r = await cli('run', ...argv, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
/** One expert's w1, w2, w3 in float32: 3 x dim 128 x hidden 64 x 4 bytes; 4 layers. */
const EXPERT_BYTES = 3 * 128 * 64 * 4;
const LAYERS = 4;

describe('batchscope run --model tiny-moe', () => {
  it.each([
    ['static', 'contiguous'],
    ['static', 'paged'],
    ['continuous', 'contiguous'],
    ['continuous', 'paged'],
  ])('serves every request with %s batching and %s KV, and reports the experts block', async (strategy, kv) => {
    const j = await json('--model', 'tiny-moe', '--workload', 'high-variance', '--requests', '6', '--max-batch', '3', '--strategy', strategy, '--kv', kv);
    expect(j).toMatchObject({ strategy, kvManager: kv, requests: 6, completed: 6, timeSource: 'measured' });
    expect(Object.keys(j.experts)).toEqual(['count', 'topK', 'touchedPerStep', 'imbalance', 'expertBytesPerStep']);
    expect(j.experts).toMatchObject({ count: 8, topK: 2 });
    // Every step has a token, so at least its top 2 experts run in each layer; never more than 8.
    expect(j.experts.touchedPerStep).toBeGreaterThanOrEqual(2);
    expect(j.experts.touchedPerStep).toBeLessThanOrEqual(8);
    expect(j.experts.imbalance).toBeGreaterThanOrEqual(1);
    expect(j.experts.expertBytesPerStep).toBeCloseTo(j.experts.touchedPerStep * LAYERS * EXPERT_BYTES, 3);
  });

  it('shows a more uneven expert load for the checkpoint trained without the balancing loss, on the same workload', async () => {
    const args = ['--workload', 'high-variance', '--requests', '16', '--max-batch', '8'];
    const balanced = await json('--model', 'tiny-moe', ...args);
    const unbalanced = await json('--model', 'tiny-moe-unbalanced', ...args);
    expect(unbalanced.experts.imbalance).toBeGreaterThan(balanced.experts.imbalance + 0.1);
    expect(unbalanced.experts.touchedPerStep).toBeLessThan(balanced.experts.touchedPerStep);
  });

  it('prints the experts line for an MoE model and none for the dense one', async () => {
    const moe = await cli('run', '--model', 'tiny-moe', '--workload', 'uniform', '--requests', '3');
    expect(moe.stdout).toMatch(/^experts {5}top 2 of 8: \d\.\d\d touched per layer per iteration, run load max\/mean \d\.\d\d, \d+ KiB of expert weights read per iteration$/m);
    const dense = await json('--workload', 'uniform', '--requests', '3');
    expect(dense.experts).toBeUndefined();
  });

  it('writes expert counters into the trace, and a replay keeps each iteration’s routing record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-moe-'));
    const trace = join(dir, 't.json');
    await json('--model', 'tiny-moe', '--workload', 'uniform', '--requests', '4', '--trace', trace);
    const text = readFileSync(trace, 'utf8');
    const names = new Set((JSON.parse(text).traceEvents as { name: string; ph: string }[]).filter((e) => e.ph === 'C').map((e) => e.name));
    for (const n of ['experts touched (per layer)', 'expert weights read (KiB)', 'expert imbalance (max/mean)']) expect(names).toContain(n);
    const [run] = parseTrace(text);
    const x = run.events.find((e) => e.experts)!.experts!;
    expect(x).toMatchObject({ nExperts: 8, topK: 2, nLayers: LAYERS });
    expect(Array.from(x.load!)).toHaveLength(LAYERS * 8);
  });

  it('reports expected experts (no imbalance: nothing is routed) for a simulated MoE preset', async () => {
    const j = await json('--backend', 'sim', '--sim-model', 'Mixtral-8x7B', '--gpu', '2xH100', '--workload', 'uniform', '--requests', '8');
    expect(j.timeSource).toBe('simulated');
    expect(j.experts).toMatchObject({ count: 8, topK: 2, imbalance: null });
    expect(j.experts.touchedPerStep).toBeGreaterThan(2);
  });

  it('takes the built-in MoE names in sweep too, and lists the MoE presets in --help', async () => {
    const r = await cli('sweep', '--backend', 'cpu', '--model', 'tiny-moe', '--max-tokens', '4', '--repeats', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const points = JSON.parse(r.stdout).points as { tokens: number; weightBytes: number }[];
    expect(points.at(-1)!.weightBytes).toBeGreaterThan(points[0].weightBytes);
    for (const cmd of ['run', 'sweep', 'experiment']) {
      const help = (await cli(cmd, '--help')).stdout;
      expect(help).toMatch(/--sim-model PRESET +sim: .*Mixtral-8x7B, OLMoE-1B-7B/);
      expect(help).toMatch(/--gpu PRESET +sim: .*2xH100/);
    }
  });
});
