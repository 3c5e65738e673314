import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS_DOC, machineDescription, replaceMarked, replaceSection, updateBenchmarksDoc } from './doc';

describe('benchmark scripts and docs/benchmarks.md', () => {
  it('never write a tracked file except through updateBenchmarksDoc, which needs --write', () => {
    const dir = join(import.meta.dirname, '.');
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'doc.ts')) {
      const src = readFileSync(join(dir, f), 'utf8');
      expect(src, f).not.toMatch(/\bwriteFile(Sync)?\b|\bappendFile(Sync)?\b|createWriteStream/);
    }
    const before = readFileSync(BENCHMARKS_DOC, 'utf8');
    updateBenchmarksDoc(() => 'replaced', 'test section', ['node', 'script.ts']);
    expect(readFileSync(BENCHMARKS_DOC, 'utf8')).toBe(before);
  });

  it('replace one ## section, or append it, leaving the rest alone', () => {
    const doc = '# B\n\n## CPU\n\nold cpu\n\n## WebGPU\n\nold gpu\n\n## Visualizer\n\nold vis\n';
    expect(replaceSection(doc, 'WebGPU', '## WebGPU\n\nnew gpu\n')).toBe('# B\n\n## CPU\n\nold cpu\n\n## WebGPU\n\nnew gpu\n\n## Visualizer\n\nold vis\n');
    expect(replaceSection(doc, 'Visualizer', '## Visualizer\n\nnew vis\n')).toBe('# B\n\n## CPU\n\nold cpu\n\n## WebGPU\n\nold gpu\n\n## Visualizer\n\nnew vis\n');
    expect(replaceSection(doc, 'Serving', '## Serving\n\nnew\n')).toBe(`${doc.trimEnd()}\n\n## Serving\n\nnew\n`);
  });

  it('replace a marked block, and refuse a doc without it', () => {
    const doc = 'intro\n<!-- x begin -->\nold\n<!-- x end -->\nafter\n';
    expect(replaceMarked(doc, 'x', 'new\nlines')).toBe('intro\n<!-- x begin -->\nnew\nlines\n<!-- x end -->\nafter\n');
    expect(() => replaceMarked('no markers', 'x', 'y')).toThrow(/no "<!-- x begin -->"/);
    const real = readFileSync(BENCHMARKS_DOC, 'utf8');
    for (const id of ['bench:cpu', ...['main', 'kv-waste', 'scheduler', 'anyscale'].map((p) => `bench:serving ${p}`)]) expect(() => replaceMarked(real, id, 'x')).not.toThrow();
  });

  it('describe the machine from the machine', () => {
    expect(machineDescription()).toMatch(/^\d+ x .+, \d+ GiB RAM, \w+ .+, Node v\d+/);
  });
});
