import { describe, expect, it } from 'vitest';
import { SimBackend, gpuPreset, simModelPreset } from '../backend/sim/backend';
import type { Backend, KvLayout, SequenceStep, StepResult } from '../backend/types';
import { runSweep } from './sweep';
import { CpuBackend } from '../backend/cpu';
import { loadModelFiles } from '../cli/files';

/** A backend whose step time is `ms(tokens)`, measured: a stand-in for a device. */
function fakeDevice(ms: (tokens: number) => number, seen: KvLayout[] = []) {
  return (kv: KvLayout): Backend => {
    seen.push(kv);
    return {
      kind: 'cpu',
      description: 'fake',
      config: simModelPreset('OPT-13B').config,
      kv,
      async copyBlocks() {},
    async step(seqs: readonly SequenceStep[]): Promise<StepResult> {
        const tokens = seqs.reduce((n, s) => n + s.tokens.length, 0);
        return { logits: seqs.map(() => null), sampled: new Int32Array(seqs.length), timing: { wallMs: ms(tokens), source: 'measured', tokens, sequences: seqs.length } };
      },
      dispose() {},
    };
  };
}

describe('runSweep', () => {
  it('finds the FLOPs/bandwidth knee of OPT-13B on the simulated T4 and A100 within 25%', async () => {
    for (const [gpu, expected] of [['T4', 216], ['A100-40GB', 201]] as const) {
      const r = await runSweep((kv) => new SimBackend(gpuPreset(gpu), simModelPreset('OPT-13B'), kv), { maxTokens: 2048 });
      expect(r.points.at(-1)!.tokens).toBe(2048);
      expect(r).toMatchObject({ verdict: 'knee', stoppedBy: 'max-tokens', timeSource: 'simulated' });
      expect(Math.abs(r.knee! - expected) / expected).toBeLessThan(0.25);
    }
  });

  it('stops a device at 4x the 1-token step, and reports no flat region when time grows with tokens', async () => {
    const r = await runSweep(fakeDevice((t) => 1 + t), { maxTokens: 2048, slowdown: 4 });
    expect(r.stoppedBy).toBe('slowdown');
    expect(r.points.at(-1)!.stepMs).toBeGreaterThanOrEqual(8);
    expect(r.points.at(-2)!.stepMs).toBeLessThan(8);
    expect(r.verdict).toBe('no-flat-region');
  });

  it('keeps the fastest of several rounds per size, so one disturbed round does not move the curve', async () => {
    let calls = 0;
    // Every step of the first pass over the sizes is slow (another process was busy), later passes are not.
    const r = await runSweep(fakeDevice((t) => (++calls < 40 ? 10 : 1) * (1 + t)), { maxTokens: 16, rounds: 3, repeats: 1 });
    expect(r.points.map((p) => p.stepMs)).toEqual(r.points.map((p) => 1 + p.tokens));
  });

  it('stops at the time budget and at the memory limit, and sizes the pool it asks for', async () => {
    let clock = 0;
    const slow = await runSweep(fakeDevice(() => 5), { maxTokens: 2048, timeBudgetMs: 10, now: () => (clock += 4) });
    expect(slow.stoppedBy).toBe('time');
    expect(slow.verdict).toBe('flat-throughout');
    const seen: KvLayout[] = [];
    const small = await runSweep(fakeDevice(() => 5, seen), { maxTokens: 2048, maxPoolPositions: 100 * 16 });
    expect(small.stoppedBy).toBe('memory');
    expect(small.points.at(-1)!.tokens).toBe(96);
    expect(seen[0].numBlocks * seen[0].blockSize).toBeLessThanOrEqual(100 * 16);
  });
});

describe('simSweep', () => {
  it('gives the same points as running the sweep on the sim backend', async () => {
    const { simSweep } = await import('./sim-knee');
    const gpu = gpuPreset('T4');
    const m = simModelPreset('OPT-13B');
    const run = await runSweep((kv) => new SimBackend(gpu, m, kv), { maxTokens: 512 });
    const quick = simSweep(gpu, m, 512);
    expect(quick.points.map((p) => p.tokens)).toEqual(run.points.map((p) => p.tokens));
    quick.points.forEach((p, i) => expect(p.stepMs).toBeCloseTo(run.points[i].stepMs, 6));
  });

  it('reads more weights per step as the batch grows on the MoE model, the same at every size on the dense one', async () => {
    const sweep = async (name: string) => {
      const { model } = loadModelFiles(name);
      return (await runSweep((kv) => new CpuBackend(model, kv), { maxTokens: 8, repeats: 1 })).points;
    };
    const moe = await sweep('tiny-moe');
    // One token wakes 2 of 8 experts per layer; 8 different sequences wake most of them.
    expect(moe.at(-1)!.tokens).toBe(8);
    expect(moe.at(-1)!.weightBytes!).toBeGreaterThan(1.3 * moe[0].weightBytes!);
    const dense = await sweep('batchscope-tiny');
    expect(new Set(dense.map((p) => p.weightBytes)).size).toBe(1);
  });

  it('never reports a 0 ms step when a coarse clock read some repeats as 0 and some not', async () => {
    let n = 0;
    // A 0.04 ms step on a 0.1 ms clock: most readings 0, some 0.1.
    const r = await runSweep(fakeDevice(() => (n++ % 3 === 0 ? 0.1 : 0)), { maxTokens: 4, repeats: 3, rounds: 2 });
    for (const p of r.points) expect(p.stepMs).toBeGreaterThan(0);
  });
});
