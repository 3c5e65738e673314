import { describe, expect, it } from 'vitest';
import { storiesPath } from '../../tools/testing/stories260k';
import { cli } from './testing';

const json = async (...argv: string[]) => {
  const r = await cli(...argv);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('number formats in the CLI', () => {
  it('run --kv-memory-mib: the same bytes hold 2x the tokens in f16 and >= 3.5x in int8, reported in --json', async () => {
    const run = (dtype: string) => json('run', '--workload', 'high-variance', '--requests', '4', '--kv-memory-mib', '1', '--kv-dtype', dtype, '--json');
    const [f32, f16, int8] = [await run('f32'), await run('f16'), await run('int8')];
    expect(f32.kv).toMatchObject({ dtype: 'f32', bytesPerToken: 2 * 4 * 64 * 4, capacityTokens: 512 });
    expect(f16.kv.capacityTokens / f32.kv.capacityTokens).toBe(2);
    expect(int8.kv.capacityTokens / f32.kv.capacityTokens).toBeGreaterThanOrEqual(3.5);
    expect(int8.kv.bytesPerToken).toBe(2 * 4 * (64 + 8));
    // Bytes per token processed, computed from the shapes: int8 KV reads fewer bytes.
    expect(int8.traffic.kvRead).toBeLessThan(f32.traffic.kvRead / 3);
  });

  it('run --weights int8 on the CPU engine serves every request and says what it ran', async () => {
    const j = await json('run', '--workload', 'uniform', '--requests', '3', '--weights', 'int8', '--json');
    expect(j).toMatchObject({ weights: 'int8', completed: 3 });
    const text = await cli('run', '--workload', 'uniform', '--requests', '2', '--weights', 'int8', '--kv-dtype', 'f16');
    expect(text.stdout).toMatch(/formats +weights int8, KV f16 \(1024 bytes per position/);
    expect(text.stdout).toMatch(/per token \(computed from the shapes\)/);
  });

  it('refuses contradictory or unsupported settings with one line', async () => {
    expect((await cli('run', '--workload', 'uniform', '--kv-memory-mib', '1', '--kv-capacity', '64')).stderr).toMatch(/not both/);
    expect((await cli('run', '--workload', 'uniform', '--attention', 'unfused')).stderr).toMatch(/unfused runs on --backend webgpu or sim/);
    expect((await cli('run', '--workload', 'uniform', '--weights', 'f16')).stderr).toMatch(/--weights must be one of f32, int8/);
    expect((await cli('run', '--workload', 'uniform', '--kv-dtype', 'int4')).stderr).toMatch(/--kv-dtype must be one of f32, f16, int8/);
    expect((await cli('run', '--workload', 'uniform', '--kv-memory-mib', '0.001')).stderr).toMatch(/holds no block/);
  });

  it('sim: int8 weights leave more memory for KV, and the roofline follows the bytes', async () => {
    const sim = (...f: string[]) => json('run', '--backend', 'sim', '--workload', 'high-variance', '--requests', '16', '--json', ...f);
    const [fp16, int8] = [await sim(), await sim('--weights', 'int8', '--kv-dtype', 'int8')];
    expect(fp16).toMatchObject({ weights: 'f16', kv: { dtype: 'f16' }, timeSource: 'simulated' });
    expect(int8.kv.capacityTokens / fp16.kv.capacityTokens).toBeGreaterThan(3.5); // 1.9x memory, 1.97x tokens per byte
    expect(int8.tokensPerSecond).toBeGreaterThan(1.4 * fp16.tokensPerSecond);
    const unfused = await sim('--attention', 'unfused');
    expect(unfused.traffic.scores).toBeGreaterThan(0);
    expect(fp16.traffic.scores).toBe(0);
  });

  it('eval --json on stories260K: float32 agrees with itself exactly; int8 weights stay close', async () => {
    const model = ['--model', storiesPath('stories260K.bin'), '--tokenizer', storiesPath('tok512.bin')];
    const same = await json('eval', ...model, '--json');
    expect(same).toMatchObject({ model: 'stories260K', weights: 'f32', kvDtype: 'f32', targetsMet: null, vsF32: { maxLogitDiff: 0, greedyAgreement: 1 } });
    const q = await json('eval', ...model, '--weights', 'int8', '--json');
    expect(q.vsF32.positions).toBeGreaterThan(1000);
    expect(q.vsF32.maxLogitDiff).toBeGreaterThan(0);
    expect(q.vsF32.greedyAgreement).toBeGreaterThan(0.95);
  });
});
