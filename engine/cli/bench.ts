import { BatchscopeError } from '../errors';
import type { KvManagerKind } from '../kv/policy';
import { ServingEngine } from '../serve/engine';
import type { RunSummary } from '../serve/metrics';
import { requestMaxPositions, validateRequests } from '../serve/request';
import { DEFAULT_KNOBS, STRATEGIES, validateKnobs } from '../serve/sched/knobs';
import { serveToEnd } from '../serve/serve-run';
import { intFlag, parseFlags } from './args';
import type { Io } from './io';
import { SERVING_FLAGS, SERVING_OPTIONS_HELP, prepareServing, resolveWorkload, workloadRequests } from './run';

const DEFAULT_ROUNDS = 5;
const MAX_ROUNDS = 100;

export const BENCH_HELP = `Usage: batchscope bench [options]

Serves each workload with static and continuous batching under both KV managers (the same
requests, seed and knobs every time) and prints one table: throughput and its
continuous/static ratio, median end-to-end latency, slot occupancy and KV waste. Measured
backends run every case in interleaved rounds (round 1 of every case, then round 2, ..., every
other round in reverse order), so a busy moment of a shared machine hits every case alike; figures are medians over rounds with their
spread (min-max), and the ratio is the median of per-round ratios.

Options:
  --workloads LIST        comma-separated presets or files (default: uniform,high-variance)
  --rounds N              rounds per case, at most ${MAX_ROUNDS} (default ${DEFAULT_ROUNDS}; 1 for sim, whose times are computed)
${SERVING_OPTIONS_HELP.split('\n')
  .filter((l) => !l.startsWith('  --workload ') && !l.startsWith('  --kv '))
  .join('\n')}`;

/** Tokens/s of each round, and their median and spread. */
export interface RoundStats {
  rounds: number[];
  median: number;
  min: number;
  max: number;
}

export interface BenchRow {
  workload: string;
  kvManager: KvManagerKind;
  /** The run of the median round (by tokens/s). */
  static: RunSummary;
  continuous: RunSummary;
  /** continuous tokens/s over static tokens/s: the median of per-round ratios. */
  throughputRatio: number;
  tokensPerSecond: { static: RoundStats; continuous: RoundStats; ratio: RoundStats };
  /**
   * The same ratio per second of this process's CPU time (measured backends): other programs on a
   * shared machine stretch wall time, much less the CPU time the run itself used.
   */
  cpuRatio?: RoundStats;
}

export async function benchCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, { ...SERVING_FLAGS, workloads: { type: 'string' }, rounds: { type: 'string' } }, 'bench');
  if (values.help) {
    io.out(BENCH_HELP + '\n');
    return 0;
  }
  if (values.workload !== undefined) throw new BatchscopeError('bad-argument', 'bench takes --workloads LIST (comma-separated), not --workload');
  const names = (values.workloads ?? 'uniform,high-variance').split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new BatchscopeError('bad-argument', `--workloads names no workload, got "${values.workloads}"`);
  const roundsFlag = intFlag(values.rounds, 'rounds', DEFAULT_ROUNDS, 1, MAX_ROUNDS);
  const setup = await prepareServing(values, io);
  let rows: BenchRow[] = [];
  let rounds = 1;
  try {
    // Every workload is resolved before the first run, so a typo in the last one costs nothing.
    const workloads = names.map((name) => {
      const requests = workloadRequests(resolveWorkload(name, values, setup), setup);
      const { config, kv } = setup.backend;
      validateRequests(requests, config, kv.numBlocks * kv.blockSize);
      validateKnobs({ ...DEFAULT_KNOBS, ...setup.knobs }, requests.reduce((m, r) => Math.max(m, requestMaxPositions(r)), 0));
      return { name, requests };
    });
    // The cost model computes its times: every round would print the same figures.
    rounds = setup.backend.kind === 'sim' && values.rounds === undefined ? 1 : roundsFlag;
    const cases = workloads.flatMap((w) => (['paged', 'contiguous'] as const).flatMap((kvManager) => STRATEGIES.map((strategy) => ({ ...w, kvManager, strategy }))));
    const runs = cases.map(() => [] as RunSummary[]);
    const cpuSeconds = cases.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      // Every other round runs the cases in reverse, so a machine slowing down (or speeding up)
      // over a round favours neither strategy of a pair.
      const order = round % 2 ? [...cases.keys()].reverse() : [...cases.keys()];
      for (const i of order) {
        const c = cases[i];
        const engine = new ServingEngine({ backend: setup.backend, requests: c.requests, strategy: c.strategy, kvManager: c.kvManager, knobs: setup.knobs, prefixCaching: setup.prefixCaching });
        const cpu0 = process.cpuUsage();
        const summary = (await serveToEnd(engine)).summary;
        const cpu = process.cpuUsage(cpu0);
        runs[i].push(summary);
        cpuSeconds[i].push((cpu.user + cpu.system) / 1e6);
        if (!values.json) io.err(`  ${rounds > 1 ? `round ${round + 1}/${rounds}: ` : ''}${c.name} ${c.kvManager} ${c.strategy}: ${summary.tokensPerSecond.toFixed(1)} tokens/s\n`);
      }
    }
    rows = [];
    for (let i = 0; i < cases.length; i += STRATEGIES.length) {
      const [s, c] = [runs[i], runs[i + 1]];
      const ratio = stats(s.map((x, r) => c[r].tokensPerSecond / x.tokensPerSecond));
      rows.push({
        workload: cases[i].name,
        kvManager: cases[i].kvManager,
        static: medianRun(s),
        continuous: medianRun(c),
        throughputRatio: ratio.median,
        tokensPerSecond: { static: stats(s.map((x) => x.tokensPerSecond)), continuous: stats(c.map((x) => x.tokensPerSecond)), ratio },
        // Both runs serve the same requests, so tokens per CPU-second compare as CPU seconds do.
        ...(s[0].timeSource === 'measured' ? { cpuRatio: stats(s.map((x, r) => (cpuSeconds[i][r] / cpuSeconds[i + 1][r]) * (c[r].generatedTokens / x.generatedTokens))) } : {}),
      });
    }
  } finally {
    setup.backend.dispose();
  }
  const timeSource = rows[0]?.static.timeSource ?? 'measured';
  if (values.json) io.out(JSON.stringify({ backend: setup.backend.kind, description: setup.backend.description, timeSource, knobs: setup.knobs, seed: setup.seed, rounds, rows }) + '\n');
  else io.out(formatBench(rows, `${setup.backend.description}${timeSource === 'simulated' ? ' (SIMULATED times)' : ''}`, rounds) + '\n');
  return 0;
}


const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function stats(rounds: number[]): RoundStats {
  return { rounds, median: median(rounds), min: Math.min(...rounds), max: Math.max(...rounds) };
}

/** The run whose tokens/s is the median (the lower middle one for an even count). */
function medianRun(runs: readonly RunSummary[]): RunSummary {
  return [...runs].sort((a, b) => a.tokensPerSecond - b.tokensPerSecond)[(runs.length - 1) >> 1];
}

export function formatBench(rows: readonly BenchRow[], backend: string, rounds = 1): string {
  const cpu = rows.some((r) => r.cpuRatio);
  const head = ['workload', 'kv', 'static tok/s', 'cont. tok/s', 'ratio', ...(cpu ? ['ratio per CPU-s'] : []), 'static p50 e2e s', 'cont. p50 e2e s', 'static occ.', 'cont. occ.', 'static waste', 'cont. waste'];
  const pct = (x: number) => `${x.toFixed(1)}%`;
  const spread = (x: RoundStats, digits: number, unit = '') =>
    rounds > 1 ? `${x.median.toFixed(digits)}${unit} (${x.min.toFixed(digits)}-${x.max.toFixed(digits)})` : `${x.median.toFixed(digits)}${unit}`;
  const body = rows.map((r) => [
    r.workload,
    r.kvManager,
    spread(r.tokensPerSecond.static, 1),
    spread(r.tokensPerSecond.continuous, 1),
    spread(r.tokensPerSecond.ratio, 2, 'x'),
    ...(cpu ? [r.cpuRatio ? spread(r.cpuRatio, 2, 'x') : '-'] : []),
    (r.static.e2e.p50 ?? 0).toFixed(3),
    (r.continuous.e2e.p50 ?? 0).toFixed(3),
    pct(r.static.occupancy),
    pct(r.continuous.occupancy),
    pct(r.static.kv.wastePct),
    pct(r.continuous.kv.wastePct),
  ]);
  const widths = head.map((h, i) => body.reduce((m, b) => Math.max(m, b[i].length), h.length));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const perCpu = cpu ? '; "ratio per CPU-s" divides by this process\'s CPU time instead, which other programs on a shared machine disturb less' : '';
  const note = `${rounds > 1 ? `medians of ${rounds} interleaved rounds (min-max in brackets); the ratio is the median of per-round ratios` : 'one run per case'}; tokens/s per second of busy time${perCpu}`;
  return [`backend: ${backend}`, note, line(head), ...body.map(line)].join('\n');
}
