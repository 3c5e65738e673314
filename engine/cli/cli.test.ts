import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './testing';
import { greedyReferences, repoRoot, storiesPath } from '../../tools/testing/stories260k';

const model = () => storiesPath('stories260K.bin');
const tok = () => storiesPath('tok512.bin');


const gen = (...argv: string[]) => cli('generate', '--model', model(), '--tokenizer', tok(), ...argv);

describe('batchscope generate', () => {
  it('prints prompt + continuation exactly as llama2.c does for every greedy reference', async () => {
    for (const ref of greedyReferences()) {
      const r = await gen('--prompt', ref.prompt, '--steps', '200', '--temperature', '0');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(ref.output);
    }
  });

  it('reports prefill and decode apart, decode timed from the end of the first forward pass as run.c does', async () => {
    const r = await gen('--prompt', 'Once upon a time', '--steps', '40', '--temperature', '0');
    expect(r.code).toBe(0);
    const prefill = /^prefill: 5 tokens in [\d.]+ ms \([\d.]+ tok\/s\), first token sampled$/m;
    expect(r.stderr).toMatch(prefill);
    // 40 positions: 5 prompt tokens prefilled (sampling position 5), then positions 5..39 run one by one.
    expect(r.stderr).toMatch(/^achieved tok\/s: [\d.]+ \(decode: 35 tokens in [\d.]+ s, timed from the end of the first forward pass/m);
    expect(r.stderr).toMatch(/^engine: CPU engine \(WebAssembly SIMD\)$/m);
    const js = await gen('--prompt', 'Once upon a time', '--steps', '40', '--temperature', '0', '--cpu-kernels', 'js');
    expect(js.stdout).toBe(r.stdout);
    expect(js.stderr).toMatch(/^engine: CPU engine \(JavaScript reference\)$/m);
  });

  it('serves several prompts together and each equals its run alone', async () => {
    const prompts = ['Once upon a time', 'The cat', 'Lily and Tom', 'Zoo'];
    const dir = mkdtempSync(join(tmpdir(), 'bs-'));
    writeFileSync(join(dir, 'prompts.txt'), prompts.slice(2).join('\n') + '\n');
    const args = ['--steps', '60', '--temperature', '0.9', '--top-p', '0.9', '--seed', '7'];
    const batched = await gen('--prompt', prompts[0], '--prompt', prompts[1], '--prompts', join(dir, 'prompts.txt'), ...args);
    expect(batched.code).toBe(0);
    const lines = batched.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.prompt)).toEqual(prompts);
    for (const [i, p] of prompts.entries()) {
      const alone = await gen('--prompt', p, ...args);
      expect(lines[i].text + '\n').toBe(alone.stdout);
      expect(lines[i].tokens.length).toBeGreaterThan(0);
    }
  });

  it('reads a prompts file with CRLF and blank lines as its non-blank lines, always as JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-'));
    const file = join(dir, 'prompts.txt');
    writeFileSync(file, 'The cat\r\n\r\nZoo\r\n\r\n');
    const args = ['--steps', '20', '--temperature', '0'];
    const r = await gen('--prompts', file, ...args);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.prompt)).toEqual(['The cat', 'Zoo']);
    expect(lines[1].text + '\n').toBe((await gen('--prompt', 'Zoo', ...args)).stdout);
    writeFileSync(file, 'Zoo\n');
    expect(JSON.parse((await gen('--prompts', file, ...args)).stdout)).toMatchObject({ prompt: 'Zoo', text: lines[1].text });
  });

  it('stops at seq_len when --steps asks for more', async () => {
    const r = await gen('--prompt', 'The cat', '--steps', '100000', '--temperature', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await gen('--prompt', 'The cat', '--steps', '512', '--temperature', '0')).stdout);
    expect(r.stdout).not.toBe((await gen('--prompt', 'The cat', '--steps', '200', '--temperature', '0')).stdout);
  });

  it.each([
    [['--model', '/nope/model.bin', '--tokenizer', '/nope/tok.bin', '--prompt', 'x'], /model file not found: \/nope\/model\.bin/],
    [['--model', 'TOK', '--tokenizer', 'TOK', '--prompt', 'x'], /tok512\.bin: header field hidden_dim = 0 must be a positive integer/],
    [['--model', 'MODEL', '--tokenizer', 'BIGTOK', '--prompt', 'x'], /tokenizer\.bin: has more than the model's 512 tokens.*does not belong/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'a '.repeat(600)], /the prompt is \d+ tokens, longer than the model's seq_len 512/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'Once upon a time', '--steps', '3'], /--steps 3 is below the length of the prompt \(5 tokens/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['--model', 'MODEL', '--tokenizer', 'TOK'], /give at least one --prompt/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--temperature', 'hot'], /--temperature must be a number/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--cpu-kernels', 'asm'], /--cpu-kernels must be one of wasm, js, got "asm"/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--backend', 'tpu'], /--backend must be one of/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompts', '/nope/prompts.txt'], /prompts file not found/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompts', 'BLANK'], /prompts file .*blank\.txt holds no prompt/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--temperature', ''], /--temperature must be a number in \[0, 100\], got ""/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--steps', '0x10'], /--steps must be an integer >= 1, got "0x10"/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--steps', '-3'], /argument is ambiguous.*use '--steps=-XYZ'/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--seed', '4294967296'], /--seed must be an integer in \[0, 4294967295\]/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'x', '--block-size', '1000000000'], /--block-size must be an integer in \[1, 512\]/],
    [['--model', 'MODEL', '--tokenizer', 'TOK', '--prompt', 'a '.repeat(300)], /--steps 256 \(the default\) is below the length of the prompt/],
  ])('fails with one line for bad input %#', async (args, message) => {
    const blank = join(mkdtempSync(join(tmpdir(), 'bs-')), 'blank.txt');
    writeFileSync(blank, '\r\n\n');
    const sub = (a: string) => (a === 'MODEL' ? model() : a === 'TOK' ? tok() : a === 'BIGTOK' ? storiesPath('tokenizer.bin') : a === 'BLANK' ? blank : a);
    const r = await cli('generate', ...args.map(sub));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('runs as an installed bin: exit codes, stderr, and a stack trace only with --debug', async () => {
    const bin = join(repoRoot, 'bin', 'batchscope.js');
    const ok = spawnSync(process.execPath, [bin, 'generate', '--model', model(), '--tokenizer', tok(), '--prompt', 'The cat', '--steps', '8', '--temperature', '0'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe((await gen('--prompt', 'The cat', '--steps', '8', '--temperature', '0')).stdout);
    expect(ok.stdout).toMatch(/^The cat and a b/);
    const bad = spawnSync(process.execPath, [bin, 'generate', '--model', '/nope.bin', '--prompt', 'x'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const debug = spawnSync(process.execPath, [bin, 'generate', '--model', '/nope.bin', '--prompt', 'x', '--debug'], { encoding: 'utf8' });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/at .*files\.ts/);
    const unknown = spawnSync(process.execPath, [bin, 'fly'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "fly"/);
  });
});
