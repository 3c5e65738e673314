import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './testing';
import { storiesPath } from '../../tools/testing/stories260k';
import { parseTrace } from '../serve/trace-import';

const real = () => ['--model', storiesPath('stories260K.bin'), '--tokenizer', storiesPath('tok512.bin')];
const CONTRACT = ['strategy', 'backend', 'requests', 'completed', 'generatedTokens', 'wallSeconds', 'tokensPerSecond', 'requestsPerSecond', 'ttft', 'tpot', 'e2e', 'occupancy', 'kv', 'iterations'];

describe('batchscope run', () => {
  it('prints exactly one JSON object with the contract fields', async () => {
    const r = await cli('run', '--strategy', 'static', '--workload', 'high-variance', '--requests', '6', '--kv', 'contiguous', '--json', ...real());
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout);
    for (const k of CONTRACT) expect(j).toHaveProperty(k);
    expect(j).toMatchObject({ strategy: 'static', backend: 'cpu', requests: 6, completed: 6, kvManager: 'contiguous', timeSource: 'measured' });
    for (const k of ['ttft', 'tpot', 'e2e']) expect(Object.keys(j[k])).toEqual(['mean', 'p50', 'p90', 'p99']);
    expect(Object.keys(j.kv).sort()).toEqual(['usedPct', 'reservedPct', 'internalPct', 'externalPct', 'freePct', 'wastePct', 'sharedPct', 'dtype', 'capacityTokens', 'bytesPerToken'].sort());
    expect(j.kv).toMatchObject({ dtype: 'f32', capacityTokens: 4096, bytesPerToken: 2 * 5 * 32 * 4 });
    expect(j).toMatchObject({ weights: 'f32', attention: 'fused' });
    expect(j.prefixCache).toEqual({ hitRate: 0, tokensFromCache: 0, tokensComputed: expect.any(Number) });
    expect(j.kv.usedPct + j.kv.reservedPct + j.kv.internalPct + j.kv.externalPct + j.kv.freePct).toBeCloseTo(100, 6);
    expect(j.occupancy).toBeGreaterThan(0);
    expect(j.occupancy).toBeLessThanOrEqual(100);
    expect(j.tokensPerSecond).toBeCloseTo(j.generatedTokens / j.busySeconds, 6);
    expect(j.busySeconds + j.idleSeconds).toBeCloseTo(j.wallSeconds, 6);
  });

  it('writes a trace it can replay, a CSV, and a workload file that reproduces the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-run-'));
    const files = { trace: join(dir, 't.json'), csv: join(dir, 'i.csv'), workload: join(dir, 'w.json') };
    const args = ['--workload', 'poisson', '--requests', '5', '--max-batch', '3', '--json', ...real()];
    const first = await cli('run', ...args, '--trace', files.trace, '--csv', files.csv, '--save-workload', files.workload);
    expect(first.code).toBe(0);
    const [run] = parseTrace(readFileSync(files.trace, 'utf8'));
    expect(run.requests).toHaveLength(5);
    expect(readFileSync(files.csv, 'utf8').trim().split('\n')).toHaveLength(run.events.length + 1);
    const again = await cli('run', '--workload', files.workload, '--max-batch', '3', '--json', ...real(), '--trace', join(dir, 't2.json'));
    expect(JSON.parse(again.stdout).generatedTokens).toBe(JSON.parse(first.stdout).generatedTokens);
    const [rerun] = parseTrace(readFileSync(join(dir, 't2.json'), 'utf8'));
    expect(rerun.requests.map((r) => r.output)).toEqual(run.requests.map((r) => r.output));
  });

  it('says when continuous-only knobs are given to static batching, instead of ignoring them quietly', async () => {
    const r = await cli('run', '--backend', 'sim', '--strategy', 'static', '--workload', 'uniform', '--requests', '4', '--waiting-served-ratio', '0.5', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--waiting-served-ratio only affect continuous batching; ignored with --strategy static/);
    expect(JSON.parse(r.stdout)).toMatchObject({ strategy: 'static', completed: 4 });
    const chunked = await cli('run', '--backend', 'sim', '--chunked-prefill', '--workload', 'uniform', '--requests', '4', '--max-waiting-tokens', '5', '--json');
    expect(chunked.stderr).toMatch(/--max-waiting-tokens are ignored with --chunked-prefill, as in TGI/);
    expect(JSON.parse(chunked.stdout)).toMatchObject({ strategy: 'continuous', completed: 4 });
  });

  it("simulates the built-in model's own task prompts when asked (their tokenizer is loaded for the sim)", async () => {
    const r = await cli('run', '--backend', 'sim', '--prompts', 'tasks', '--workload', 'high-variance', '--requests', '6', '--json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'sim', completed: 6 });
  });

  it('simulates production GPUs, labelled as simulated', async () => {
    const r = await cli('run', '--backend', 'sim', '--gpu', 'A100-40GB', '--sim-model', 'OPT-13B', '--workload', 'anyscale', '--requests', '40', '--max-batch', '32');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('simulated OPT-13B on NVIDIA A100 40GB');
    expect(r.stdout).toContain('SIMULATED times');
    const j = JSON.parse((await cli('run', '--backend', 'sim', '--workload', 'anyscale', '--requests', '40', '--max-batch', '32', '--json')).stdout);
    expect(j).toMatchObject({ backend: 'sim', timeSource: 'simulated', completed: 40 });
  });

  it.each([
    [['--workload', 'nope', '--backend', 'sim'], /unknown workload preset "nope"/],
    [['--workload', 'uniform', '--strategy', 'dynamic', '--backend', 'sim'], /--strategy must be one of static, continuous, got "dynamic"/],
    [['--workload', 'uniform', '--backend', 'sim', '--gpu', 'T4'], /OPT-13B needs 23\.9 GiB of f16 weights but NVIDIA T4 16GB has 13\.3 GiB usable \(in int8 it needs 12\.7 GiB: --weights int8\)/],
    [['--workload', 'uniform', '--gpu', 'H100', ...['--model', 'MODEL', '--tokenizer', 'TOK']], /--gpu and --sim-model apply only to --backend sim/],
    [['--workload', 'uniform', ...['--model', '/nope.bin', '--tokenizer', 'TOK']], /model file not found: \/nope\.bin/],
    [['--backend', 'sim'], /run: give --workload PRESET or FILE/],
    [['--workload', 'anyscale', '--requests', '2', ...['--model', 'MODEL', '--tokenizer', 'TOK']], /exceeds the model's seq_len 512/],
    [['--workload', 'uniform', '--backend', 'sim', '--kv-capacity', '40'], /needs up to 79 KV positions .* but the pool holds 32: raise the KV capacity/],
    [['--workload', 'uniform', '--backend', 'sim', '--goodput', 'ttft=3'], /--goodput takes ttft:MS/],
    [['--workload', 'toString', '--backend', 'sim'], /unknown workload preset "toString"/],
    [['--workload', 'runs/w.json', '--backend', 'sim'], /workload file not found: runs\/w\.json/],
    [['--workload', '__proto__', '--backend', 'sim'], /unknown workload preset "__proto__"/],
    [['--workload', 'uniform', '--backend', 'sim', '--max-batch', '100000'], /--max-batch must be an integer in \[1, 4096\]/],
    [['--workload', 'uniform', '--backend', 'sim', '--requests', '1e9'], /--requests must be an integer in \[1, 100000\]/],
    [['--workload', 'uniform', '--backend', 'sim', '--seed', '4294967296'], /--seed must be an integer in \[0, 4294967295\]/],
    [['--workload', 'uniform', '--backend', 'sim', '--waiting-served-ratio', ''], /--waiting-served-ratio must be a number/],
    [['--workload', 'uniform', '--backend', 'sim', '--max-batch', '0x10'], /--max-batch must be an integer/],
    [['--workload', 'uniform', '--backend', 'sim', '--kv-capacity', '100000000000'], /does not fit: NVIDIA A100 40GB holds \d+ tokens of OPT-13B/],
    [['--workload', 'uniform', '--backend', 'sim', '--kv-capacity', '40', '--block-size', '64'], /--block-size 64 is larger than the KV pool \(40 positions/],
    [['--workload', 'uniform', '--block-size', '8192', ...['--model', 'MODEL', '--tokenizer', 'TOK']], /--block-size 8192 is larger than the KV pool \(4096 positions/],
    [['--workload', 'uniform', '--kv-capacity', '100000000', ...['--model', 'MODEL', '--tokenizer', 'TOK']], /a KV pool of 100000000 positions needs \d+\.\d GiB/],
    [['--workload', 'uniform', '--backend', 'sim', '--trace', '/nope/dir/t.json'], /trace folder does not exist: \/nope\/dir/],
    [['--workload', 'uniform', '--backend', 'sim', '--csv', '.'], /CSV path is a directory/],
  ])('fails with one line for %j', async (argv, message) => {
    const resolved = argv.map((a) => (a === 'MODEL' ? storiesPath('stories260K.bin') : a === 'TOK' ? storiesPath('tok512.bin') : a));
    const r = await cli('run', ...resolved);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('batchscope run with a workload file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-wl-'));
  const saved = join(dir, 'w.json');

  it('refuses preset-only flags and edits that would never finish, in one line', async () => {
    expect((await cli('run', '--backend', 'sim', '--workload', 'uniform', '--requests', '3', '--save-workload', saved)).code).toBe(0);
    const noArrival = join(dir, 'inf.json');
    writeFileSync(noArrival, readFileSync(saved, 'utf8').replace('"arrivalMs": 0', '"arrivalMs": 1e999'));
    for (const [argv, message] of [
      [['--workload', saved, '--requests', '2'], /--requests apply only to presets; .*w\.json is a workload file/],
      [['--workload', saved, '--rate', '5', '--temperature', '1'], /--rate, --temperature apply only to presets/],
      [['--workload', noArrival], /requests\[0\]\.arrivalMs must be a number in \[0, 1000000000000\], got Infinity/],
    ] as const) {
      const r = await cli('run', '--backend', 'sim', ...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('simulates a saved workload of task prompts with the same lengths the CPU engine serves', async () => {
    const tasks = join(dir, 'tasks.json');
    const cpu = await cli('run', '--workload', 'high-variance', '--requests', '5', '--save-workload', tasks, '--json');
    const sim = await cli('run', '--workload', tasks, '--backend', 'sim', '--json');
    expect(sim.stderr).toBe('');
    expect(JSON.parse(sim.stdout)).toMatchObject({ backend: 'sim', completed: 5, generatedTokens: JSON.parse(cpu.stdout).generatedTokens });
  });
});

describe('batchscope bench', () => {
  it('checks every workload before running any, and refuses an empty list', async () => {
    const typo = await cli('bench', '--backend', 'sim', '--workloads', 'uniform,nope');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^batchscope bench: unknown workload preset "nope"/);
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    const tooLong = await cli('bench', '--workloads', 'uniform,anyscale', '--requests', '2', ...real());
    expect(tooLong.stderr).toMatch(/^batchscope bench: request \d+: .*exceeds the model's seq_len 512: shorten the prompt or lower max_new_tokens\n$/);
    const none = await cli('bench', '--backend', 'sim', '--workloads', ',,');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--workloads names no workload/);
  });

  it('compares static and continuous under both KV managers on each workload', async () => {
    const r = await cli('bench', '--backend', 'sim', '--workloads', 'uniform,high-variance', '--kv-capacity', '4096', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.timeSource).toBe('simulated');
    expect(j.rows.map((x: { workload: string; kvManager: string }) => `${x.workload}/${x.kvManager}`)).toEqual([
      'uniform/paged',
      'uniform/contiguous',
      'high-variance/paged',
      'high-variance/contiguous',
    ]);
    const hv = j.rows[2];
    expect(hv.throughputRatio).toBeGreaterThan(1.5);
    expect(hv.continuous.occupancy).toBeGreaterThan(hv.static.occupancy);
    expect(j.rows[3].continuous.kv.wastePct).toBeGreaterThan(hv.continuous.kv.wastePct);
    const table = await cli('bench', '--backend', 'sim', '--workloads', 'uniform', '--requests', '8');
    expect(table.stdout).toMatch(/workload\s+kv\s+static tok\/s\s+cont\. tok\/s\s+ratio/);
  });
});
