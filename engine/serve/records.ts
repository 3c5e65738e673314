import type { RequestRecord } from './request';
import type { Sequence } from './sequence';

const copy = (r: RequestRecord): RequestRecord => ({ ...r, output: r.output.slice(), tokenMs: r.tokenMs.slice() });

/**
 * A request's record from its completions' sequences. With one completion it is that sequence's
 * record. With several, `output` and `tokenMs` are the first completion's (so a view that shows one
 * text shows a real one), the request has finished when every completion has, at the last one's
 * finish, it is running while any completion runs, and `completions` lists each of them.
 */
export function requestRecord(group: readonly Sequence[]): RequestRecord {
  const first = copy(group[0].record);
  if (group.length === 1) return first;
  const records = group.map((s) => s.record);
  const states = records.map((r) => r.state);
  const finished = states.every((s) => s === 'finished');
  const state: RequestRecord['state'] = finished ? 'finished' : states.includes('running') ? 'running' : states.includes('waiting') ? 'waiting' : states.every((s) => s === 'pending') ? 'pending' : 'running';
  const out: RequestRecord = {
    ...first,
    state,
    preemptions: records.reduce((n, r) => n + r.preemptions, 0),
    completions: records.map((r) => ({
      output: r.output.slice(),
      tokenMs: r.tokenMs.slice(),
      preemptions: r.preemptions,
      ...(r.finishMs !== undefined && { finishMs: r.finishMs }),
      ...(r.finishReason !== undefined && { finishReason: r.finishReason }),
    })),
  };
  const starts = records.map((r) => r.firstScheduledMs).filter((t): t is number => t !== undefined);
  if (starts.length) out.firstScheduledMs = Math.min(...starts);
  delete out.finishMs;
  delete out.finishReason;
  if (finished) out.finishMs = Math.max(...records.map((r) => r.finishMs!));
  return out;
}
