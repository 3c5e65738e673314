import { BatchscopeError } from '../errors';
import type { KvManagerKind } from '../kv/policy';
import { ServingEngine } from '../serve/engine';
import type { RunSummary } from '../serve/metrics';
import { requestMaxPositions, validateRequests } from '../serve/request';
import { DEFAULT_KNOBS, STRATEGIES, validateKnobs } from '../serve/sched/knobs';
import { serveToEnd } from '../serve/serve-run';
import { parseFlags } from './args';
import type { Io } from './io';
import { SERVING_FLAGS, SERVING_OPTIONS_HELP, prepareServing, resolveWorkload, workloadRequests } from './run';

export const BENCH_HELP = `Usage: batchscope bench [options]

Serves each workload with static and continuous batching under both KV managers (the same
requests, seed and knobs every time) and prints one table: throughput and its
continuous/static ratio, median end-to-end latency, slot occupancy and KV waste.

Options:
  --workloads LIST        comma-separated presets or files (default: uniform,high-variance)
${SERVING_OPTIONS_HELP.split('\n')
  .filter((l) => !l.startsWith('  --workload ') && !l.startsWith('  --kv '))
  .join('\n')}`;

export interface BenchRow {
  workload: string;
  kvManager: KvManagerKind;
  static: RunSummary;
  continuous: RunSummary;
  /** continuous tokens/s over static tokens/s. */
  throughputRatio: number;
}

export async function benchCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, { ...SERVING_FLAGS, workloads: { type: 'string' } }, 'bench');
  if (values.help) {
    io.out(BENCH_HELP + '\n');
    return 0;
  }
  if (values.workload !== undefined) throw new BatchscopeError('bad-argument', 'bench takes --workloads LIST (comma-separated), not --workload');
  const names = (values.workloads ?? 'uniform,high-variance').split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new BatchscopeError('bad-argument', `--workloads names no workload, got "${values.workloads}"`);
  const setup = await prepareServing(values, io);
  const rows: BenchRow[] = [];
  try {
    // Every workload is resolved before the first run, so a typo in the last one costs nothing.
    const workloads = names.map((name) => {
      const requests = workloadRequests(resolveWorkload(name, values, setup), setup);
      const { config, kv } = setup.backend;
      validateRequests(requests, config, kv.numBlocks * kv.blockSize);
      validateKnobs({ ...DEFAULT_KNOBS, ...setup.knobs }, Math.max(...requests.map(requestMaxPositions)));
      return { name, requests };
    });
    for (const { name, requests } of workloads) {
      for (const kvManager of ['paged', 'contiguous'] as const) {
        const byStrategy = {} as Record<(typeof STRATEGIES)[number], RunSummary>;
        for (const strategy of STRATEGIES) {
          const engine = new ServingEngine({ backend: setup.backend, requests, strategy, kvManager, knobs: setup.knobs, prefixCaching: setup.prefixCaching });
          byStrategy[strategy] = (await serveToEnd(engine)).summary;
          if (!values.json) io.err(`  ${name} ${kvManager} ${strategy}: ${byStrategy[strategy].tokensPerSecond.toFixed(1)} tokens/s\n`);
        }
        rows.push({ workload: name, kvManager, ...byStrategy, throughputRatio: byStrategy.continuous.tokensPerSecond / byStrategy.static.tokensPerSecond });
      }
    }
  } finally {
    setup.backend.dispose();
  }
  const timeSource = rows[0]?.static.timeSource ?? 'measured';
  if (values.json) io.out(JSON.stringify({ backend: setup.backend.kind, description: setup.backend.description, timeSource, knobs: setup.knobs, seed: setup.seed, rows }) + '\n');
  else io.out(formatBench(rows, `${setup.backend.description}${timeSource === 'simulated' ? ' (SIMULATED times)' : ''}`) + '\n');
  return 0;
}

export function formatBench(rows: readonly BenchRow[], backend: string): string {
  const head = ['workload', 'kv', 'static tok/s', 'cont. tok/s', 'ratio', 'static p50 e2e s', 'cont. p50 e2e s', 'static occ.', 'cont. occ.', 'static waste', 'cont. waste'];
  const pct = (x: number) => `${x.toFixed(1)}%`;
  const body = rows.map((r) => [
    r.workload,
    r.kvManager,
    r.static.tokensPerSecond.toFixed(1),
    r.continuous.tokensPerSecond.toFixed(1),
    `${r.throughputRatio.toFixed(2)}x`,
    (r.static.e2e.p50 ?? 0).toFixed(3),
    (r.continuous.e2e.p50 ?? 0).toFixed(3),
    pct(r.static.occupancy),
    pct(r.continuous.occupancy),
    pct(r.static.kv.wastePct),
    pct(r.continuous.kv.wastePct),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`backend: ${backend}`, line(head), ...body.map(line)].join('\n');
}

