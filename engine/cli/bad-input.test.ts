/**
 * Issue 13's table, row by row: each input that once crashed, hung or wasted a run is now refused
 * in one line before any work (or, for a write that fails at the end, keeps the summary).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storiesPath } from '../../tools/testing/stories260k';
import { cli } from './testing';


const dir = mkdtempSync(join(tmpdir(), 'bs-bad-'));
const REQUEST = { id: 0, arrivalMs: 0, promptLength: 8, maxNewTokens: 4, sampling: { temperature: 0, topP: 1, seed: 0 } };

/** A workload file of `requests` (default: one small length-only request). */
function workloadFile(name: string, requests: object[] = [REQUEST]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ format: 'batchscope-workload', version: 1, name, seed: 1, prompts: 'lengths', requests }));
  return path;
}

/** Exit 1, exactly one line on stderr matching `message`, nothing on stdout, and no time spent. */
function refusedAtOnce(r: Awaited<ReturnType<typeof cli>>, message: RegExp) {
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stdout).toBe('');
  expect(r.ms).toBeLessThan(5000);
}

describe('workload files are checked before anything sized by them is allocated', () => {
  it.each([
    [1e9, 'an out-of-memory crash'],
    [5e9, 'an internal "Invalid array length"'],
  ])('promptLength %d is one line (was %s)', async (n) => {
    const r = await cli('run', '--backend', 'sim', '--workload', workloadFile(`p${n}.json`, [{ ...REQUEST, promptLength: n }]));
    refusedAtOnce(r, /requests\[0\]\.promptLength must be an integer in \[1, 1048576\], got \d+/);
  });

  it('130,000 requests are one line (was "Maximum call stack size exceeded")', async () => {
    const many = Array.from({ length: 130_000 }, (_, id) => ({ ...REQUEST, id }));
    const r = await cli('run', '--backend', 'sim', '--workload', workloadFile('many.json', many));
    refusedAtOnce(r, /"requests" holds 130000 items; at most 100000/);
  });

  it('a 2^64 seed and an expected length above max_new_tokens are refused, as the flags refuse them', async () => {
    const seed = await cli('run', '--backend', 'sim', '--workload', workloadFile('seed.json', [{ ...REQUEST, sampling: { seed: 2 ** 64 } }]));
    refusedAtOnce(seed, /requests\[0\]\.sampling\.seed must be an integer in \[0, 4294967295\]/);
    const expected = await cli('run', '--backend', 'sim', '--workload', workloadFile('expected.json', [{ ...REQUEST, expectedNewTokens: 10 }]));
    refusedAtOnce(expected, /requests\[0\]\.expectedNewTokens must be an integer in \[1, 4\], got 10/);
  });

  it('an arrival beyond the limit is refused; a late one is served and its idle wait reported apart', async () => {
    refusedAtOnce(await cli('run', '--backend', 'sim', '--workload', workloadFile('1e15.json', [{ ...REQUEST, arrivalMs: 1e15 }])), /arrivalMs must be a number in \[0, 1000000000000\]/);
    const late = await cli('run', '--backend', 'sim', '--workload', workloadFile('1e11.json', [{ ...REQUEST, arrivalMs: 1e11 }]));
    expect(late.code).toBe(0);
    expect(late.stdout).toMatch(/4 tokens generated in 0\.\d+ s busy over 4 iterations; idle 100000000 s \(3\.2 years\) waiting for arrivals \(not counted\)/);
  });
});

describe('throughput counts busy time', () => {
  it('--rate 1e-6 gives a headline of tokens per busy second, with the idle time beside it', async () => {
    const r = await cli('run', '--backend', 'sim', '--workload', 'poisson', '--rate', '1e-6', '--requests', '7', '--json');
    const s = JSON.parse(r.stdout);
    expect(s.idleSeconds).toBeGreaterThan(1e4);
    expect(s.busySeconds).toBeLessThan(60);
    expect(s.tokensPerSecond).toBeCloseTo(s.generatedTokens / s.busySeconds, 6);
    expect(s.wallSeconds).toBeCloseTo(s.busySeconds + s.idleSeconds, 0);
  });
});

describe('only regular files are read', () => {
  it('/dev/zero as --model is refused at once (it hung, growing memory)', async () => {
    refusedAtOnce(await cli('run', '--workload', 'uniform', '--model', '/dev/zero'), /model path is not a regular file \(a device, FIFO or socket\): \/dev\/zero/);
  });

  it('a FIFO as a workload or prompts file is refused at once (it hung)', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    refusedAtOnce(await cli('run', '--backend', 'sim', '--workload', fifo), /workload path is not a regular file/);
    refusedAtOnce(await cli('generate', '--prompts', fifo), /prompts path is not a regular file/);
  });

  it('a checkpoint larger than its header implies is refused before it is read', async () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, readFileSync(storiesPath('stories260K.bin')).subarray(0, 28));
    const fd = openSync(big, 'r+');
    ftruncateSync(fd, 1.5 * 2 ** 30); // sparse: 1.5 GiB that would take seconds to read
    closeSync(fd);
    refusedAtOnce(await cli('run', '--workload', 'uniform', '--model', big), /size 1610612736 bytes does not match the header .* which needs exactly 1056540 bytes/);
    const huge = join(dir, 'huge.bin');
    closeSync(openSync(huge, 'w'));
    const fd2 = openSync(huge, 'r+');
    ftruncateSync(fd2, 3 * 2 ** 30);
    closeSync(fd2);
    refusedAtOnce(await cli('run', '--workload', 'uniform', '--model', huge), /model file .* is 3 GiB, over the limit of 2 GiB/);
  });
});

describe('text inputs are strict UTF-8', () => {
  it('refuses bytes that are not UTF-8 in a prompts file with its line and column (they became U+FFFD)', async () => {
    const file = join(dir, 'prompts.txt');
    writeFileSync(file, Buffer.concat([Buffer.from('Once upon a time\nThe cat '), Buffer.from([0xff, 0xfe]), Buffer.from(' sat\n')]));
    refusedAtOnce(await cli('generate', '--prompts', file), /prompts file .*prompts\.txt: is not text: byte 0xff at line 2, column 9 is not UTF-8/);
  });
});

describe('backend-specific options', () => {
  it('refuses --prompts lengths on a real model (it served filler prompts although help says "sim only")', async () => {
    refusedAtOnce(await cli('run', '--workload', 'uniform', '--prompts', 'lengths', '--backend', 'cpu'), /--prompts lengths applies only to --backend sim/);
    refusedAtOnce(await cli('run', '--workload', 'uniform', '--backend', 'sim', '--cpu-kernels', 'js'), /--cpu-kernels applies only to the CPU engine/);
    refusedAtOnce(await cli('run', '--workload', 'uniform', '--backend', 'cpu', '--gpu', 'T4'), /--gpu and --sim-model apply only to --backend sim/);
  });
});

describe('output paths', () => {
  it.each([['--trace'], ['--csv']])('%s in a folder that cannot be written is refused before the run (the run was lost)', async (flag) => {
    refusedAtOnce(await cli('run', '--backend', 'sim', '--workload', 'uniform', flag, '/sys/batchscope-out'), /cannot create the (trace|CSV) file \/sys\/batchscope-out \(E[A-Z]+\)/);
  });

  it('a write that fails at the end keeps the summary and exits 1', async () => {
    const r = await cli('run', '--backend', 'sim', '--workload', 'uniform', '--requests', '3', '--csv', '/dev/full', '--trace', '/dev/full');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^continuous batching, paged KV, sim backend/);
    expect(r.stdout).toMatch(/throughput\s+[\d.]+ tokens\/s/);
    expect(r.stderr.trim().split('\n')).toEqual(['batchscope run: could not write the trace file /dev/full (ENOSPC)', 'batchscope run: could not write the CSV file /dev/full (ENOSPC)']);
  });
});

describe('bench', () => {
  it('runs interleaved rounds and reports medians with their spread', async () => {
    const r = await cli('bench', '--backend', 'cpu', '--workloads', 'uniform', '--requests', '3', '--rounds', '3', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rounds).toBe(3);
    for (const row of j.rows) {
      const { static: s, continuous: c, ratio } = row.tokensPerSecond;
      expect(s.rounds).toHaveLength(3);
      expect(ratio.rounds).toEqual(s.rounds.map((x: number, i: number) => c.rounds[i] / x));
      expect(row.throughputRatio).toBe([...ratio.rounds].sort((a, b) => a - b)[1]);
      expect(ratio.min).toBeLessThanOrEqual(ratio.median);
      expect(ratio.max).toBeGreaterThanOrEqual(ratio.median);
      expect(s.rounds).toContain(row.static.tokensPerSecond);
      expect(row.cpuRatio.rounds).toHaveLength(3);
      for (const x of row.cpuRatio.rounds) expect(x).toBeGreaterThan(0);
    }
    const table = await cli('bench', '--backend', 'cpu', '--workloads', 'uniform', '--requests', '2', '--rounds', '2');
    expect(table.stdout).toMatch(/medians of 2 interleaved rounds \(min-max in brackets\)/);
    expect(table.stdout).toMatch(/ratio\s+ratio per CPU-s/);
    expect(table.stdout).toMatch(/\d+\.\d+x \(\d+\.\d+-\d+\.\d+\)/);
    const sim = JSON.parse((await cli('bench', '--backend', 'sim', '--workloads', 'uniform', '--requests', '2', '--json')).stdout);
    expect(sim.rounds).toBe(1);
    expect(sim.rows[0].cpuRatio).toBeUndefined();
    expect(table.stderr).toMatch(/round 2\/2: uniform contiguous continuous/);
  });
});

describe('a prompt the model cannot hold', () => {
  it('is refused before its ids are built, even within the limits', async () => {
    const r = await cli('run', '--backend', 'sim', '--workload', workloadFile('long.json', [{ ...REQUEST, promptLength: 1_000_000 }]));
    refusedAtOnce(r, /request 0: its prompt \(1000000 tokens\) is longer than the model's seq_len 2048: shorten it/);
  });
});
