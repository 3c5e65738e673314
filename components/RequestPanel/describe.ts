import type { RunLog } from '../../src/run/run-log';

export interface RequestView {
  id: number;
  status: string;
  prompt: string;
  output: string;
  facts: string[];
}

const ms = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`;

/** Everything the request panel says about one request, from the log alone. */
export function describeRequest(log: RunLog, id: number): RequestView | null {
  const r = log.requests.get(id);
  if (!r) return null;
  const meta = r.meta;
  const prompt = meta?.promptText ?? (meta ? log.text(meta.prompt) : '');
  // A simulated run computes no tokens, only their timing: say so rather than print placeholders.
  const simulated = log.events[0]?.timeSource === 'simulated';
  const output = simulated ? (r.output.length ? ` [${r.output.length} simulated tokens: the cost model computes no text]` : '') : log.text(r.output, r.output.length && meta ? meta.prompt[meta.prompt.length - 1] : -1);
  const status = r.finishedMs !== undefined ? (r.finishReason === 'length' ? 'finished (length limit)' : 'finished (end of sequence)') : r.firstIteration >= 0 ? 'running' : 'waiting';
  const facts: string[] = [];
  if (r.slots.length) facts.push(`slot${r.slots.length > 1 ? 's' : ''} ${r.slots.map((s) => `S${s + 1}`).join(' → ')}`);
  facts.push(`${r.output.length} token${r.output.length === 1 ? '' : 's'} generated${meta ? ` of at most ${meta.maxNewTokens}` : ''}`);
  const now = log.lastEvent?.endMs;
  if (meta && r.firstTokenMs !== undefined) facts.push(`first token after ${ms(r.firstTokenMs - meta.arrivalMs)}`);
  // Still waiting: its wait so far, said as what it is (its TTFT will be at least this).
  else if (meta && now !== undefined && now >= meta.arrivalMs) facts.push(`no token yet: waiting ${ms(now - meta.arrivalMs)} so far`);
  if (meta && r.finishedMs !== undefined) facts.push(`done after ${ms(r.finishedMs - meta.arrivalMs)}`);
  if (r.preemptions) facts.push(`preempted ${r.preemptions}× (recomputed)`);
  return { id, status, prompt, output, facts };
}
