import { describe, expect, it } from 'vitest';
import { KNEE_RULE, findKnee, gpuPreset, simModelPreset, simSweep } from '../../engine';
import type { MeasuredSweep } from '../../src/worker/sweep';
import { computeBoundNote, sweepResultText } from './describe';

const measured = (points: { tokens: number; stepMs: number }[], sim = false): MeasuredSweep => ({
  adapter: sim ? 'OPT-13B on NVIDIA T4 16GB' : 'the CPU engine',
  backend: sim ? 'sim' : 'cpu',
  result: { points, ...findKnee(points), rule: KNEE_RULE, stoppedBy: sim ? 'max-tokens' : 'slowdown', timeSource: sim ? 'simulated' : 'measured' },
});
const gpu = { name: 'OPT-13B on A100-40GB', knee: simSweep(gpuPreset('A100-40GB'), simModelPreset('OPT-13B')) };

describe('sweep text', () => {
  it('says plainly that a compute-bound device has no flat region, in its own measured figures', () => {
    const cpu = measured([{ tokens: 1, stepMs: 0.6 }, { tokens: 2, stepMs: 1.1 }, { tokens: 3, stepMs: 1.6 }, { tokens: 4, stepMs: 2.2 }, { tokens: 6, stepMs: 3.3 }]);
    expect(sweepResultText(cpu)).toMatch(/^Measured on the CPU engine: no flat region/);
    const note = computeBoundNote(cpu, gpu)!;
    expect(note).toContain('a step of 6 tokens took 5.5x the time of a 1-token step');
    expect(note).toMatch(/compute-bound.*knee near 20\d tokens per step/);
  });

  it("names a simulated knee as simulated, and has no compute-bound note for it", () => {
    const k = simSweep(gpuPreset('T4'), simModelPreset('OPT-13B'));
    const sim = measured(k.points, true);
    expect(sweepResultText(sim)).toMatch(/^Simulated \(cost model\) for OPT-13B on NVIDIA T4 16GB: flat up to ~20\d tokens per step/);
    expect(computeBoundNote(sim, gpu)).toBeNull();
  });

  it('explains a simulated mixture of experts rising from the first token by experts woken, not by arithmetic', () => {
    const k = simSweep(gpuPreset('2xH100'), simModelPreset('Mixtral-8x7B'));
    expect(k.verdict).toBe('no-flat-region');
    const sim = { ...measured(k.points, true), adapter: 'Mixtral 8x7B on 2xH100' };
    expect(sweepResultText(sim)).toMatch(/^Simulated \(cost model\) for Mixtral 8x7B on 2xH100: no flat region: each extra token may wake another expert/);
    expect(sweepResultText(sim)).not.toMatch(/compute-bound/);
    expect(computeBoundNote(sim, gpu)).toBeNull();
  });

  it('never divides by a 1-token step too short for the clock to see', () => {
    const cpu = measured([{ tokens: 1, stepMs: 0 }, { tokens: 2, stepMs: 0.1 }, { tokens: 3, stepMs: 0.2 }, { tokens: 4, stepMs: 0.3 }]);
    const note = computeBoundNote(cpu, gpu)!;
    expect(note).not.toMatch(/Infinity|NaN/);
    expect(note).toContain('a step of 4 tokens took longer than a 1-token step (too short for this clock)');
  });
});
