import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as api from './index';

const here = dirname(fileURLToPath(import.meta.url));
const FORBIDDEN = /^(node:|fs$|path$|url$|os$|child_process$|worker_threads$|react|react-dom|zustand|d3)/;

/** Every module reachable from `entry` through relative imports, with the bare imports each makes. */
function importGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const src = readFileSync(file, 'utf8');
    const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
    seen.set(file, specs.filter((s) => !s.startsWith('.')));
    for (const s of specs.filter((s) => s.startsWith('.'))) visit(resolve(dirname(file), s.endsWith('.ts') ? s : `${s}.ts`));
  };
  visit(entry);
  return seen;
}

describe('engine public API', () => {
  it('runs in a Web Worker: nothing it reaches imports Node, React, zustand or d3', () => {
    const graph = importGraph(resolve(here, 'index.ts'));
    expect(graph.size).toBeGreaterThan(20);
    for (const [file, bare] of graph) for (const b of bare) expect(FORBIDDEN.test(b), `${file} imports ${b}`).toBe(false);
    expect([...graph.keys()].some((f) => f.includes('/cli/'))).toBe(false);
  });

  it('exposes the engine, workloads, metrics and traces', () => {
    for (const name of ['ServingEngine', 'generateWorkload', 'materialize', 'MetricsAccumulator', 'exportChromeTrace', 'parseTrace', 'TraceReplay', 'SimBackend', 'CpuBackend']) {
      expect(api).toHaveProperty(name);
    }
  });
});
