import type { RecordedRun } from './types';

/** JSON turns the KV snapshot's Int32Arrays into arrays; give them back their type. */
export function reviveRun(run: RecordedRun): RecordedRun {
  return { ...run, events: run.events.map((e) => ({ ...e, kv: { ...e.kv, owner: Int32Array.from(e.kv.owner), filled: Int32Array.from(e.kv.filled) } })) };
}

/** The demo shown before the model has loaded: real runs of the default workload, one per strategy. */
export async function loadRecordedRuns(): Promise<Record<'static' | 'continuous', RecordedRun>> {
  const res = await fetch(`${import.meta.env.BASE_URL}demo/recorded-runs.json.gz`);
  if (!res.ok || !res.body) throw new Error(`no recorded runs (${res.status})`);
  // Stored gzipped (a tenth of the size); inflated here so it works on any static host.
  const runs = (await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).json()) as Record<'static' | 'continuous', RecordedRun>;
  return { static: reviveRun(runs.static), continuous: reviveRun(runs.continuous) };
}
