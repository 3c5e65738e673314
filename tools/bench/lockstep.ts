/**
 * Serving runs measured in lockstep, per CPU-second: on a shared machine a job next door can halve
 * a whole run's speed, so whole runs one after another (even interleaved) compare badly. Here every
 * lane (one engine configuration) takes one iteration at a time and the lane that has used the
 * least CPU time goes next, so all lanes see the same moments of the machine; each lane restarts its
 * workload when it finishes and counts every token it generates, until each has used `cpuSeconds`.
 */
import type { ServingEngine } from '../../engine/serve/engine';

export interface Lane {
  name: string;
  /** A fresh engine on a fresh backend, at the start of the workload. */
  make: () => ServingEngine;
}

export interface LaneResult {
  name: string;
  tokensPerCpuSecond: number;
  /** Whole runs of the workload completed while measuring. */
  runs: number;
  cpuSeconds: number;
}

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

export async function lockstep(lanes: readonly Lane[], cpuSeconds: number): Promise<LaneResult[]> {
  const state = lanes.map((l) => ({ ...l, engine: l.make(), cpu: 0, generated: 0, runs: 0 }));
  // One whole run each first, unmeasured: the JIT's tiers settle before the clock starts.
  for (const s of state) {
    while (await s.engine.step());
    s.engine = s.make();
  }
  for (;;) {
    const s = state.reduce((a, b) => (b.cpu < a.cpu ? b : a));
    if (s.cpu >= cpuSeconds * 1e6) break;
    const t0 = cpuMicros();
    const e = await s.engine.step();
    s.cpu += cpuMicros() - t0;
    if (!e) {
      s.runs++;
      s.engine = s.make();
    } else for (const slot of e.slots) if (slot.outputToken >= 0) s.generated++;
  }
  return state.map((s) => ({ name: s.name, tokensPerCpuSecond: s.generated / (s.cpu / 1e6), runs: s.runs, cpuSeconds: s.cpu / 1e6 }));
}
