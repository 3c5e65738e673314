import { eventFromJson } from '../../engine/serve/kv-json';
import type { RecordedRun, RecordedRuns } from './types';

/** JSON turns the KV snapshot's Int32Arrays into arrays; give them back their type. */
export function reviveRun(run: RecordedRun): RecordedRun {
  return { ...run, events: run.events.map(eventFromJson) };
}

/** The demo shown before the model has loaded: real runs of the default workload, one per strategy. */
export async function loadRecordedRuns(): Promise<RecordedRuns> {
  const res = await fetch(`${import.meta.env.BASE_URL}demo/recorded-runs.json.gz`);
  if (!res.ok) throw new Error(`no recorded runs (${res.status})`);
  // Stored gzipped (a tenth of the size). Some servers send it with Content-Encoding: gzip and the
  // browser has already inflated it; others send the raw file, inflated here.
  let bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const runs = JSON.parse(new TextDecoder().decode(bytes)) as RecordedRuns;
  return { static: reviveRun(runs.static), continuous: reviveRun(runs.continuous), ...(runs.contiguous ? { contiguous: reviveRun(runs.contiguous) } : {}) };
}
