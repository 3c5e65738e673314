import type { RunLog } from '../../src/run/run-log';
import type { CellHit } from './layout';

const IDLE_TEXT = {
  finished: 'idle: its request has finished, but static batching holds the slot until the whole batch ends',
  empty: 'idle: no request in this slot',
  stalled: 'idle: the request waited this iteration (its decode was paused or the token budget ran out)',
  preempted: 'idle: the request was evicted for lack of KV memory and will be recomputed',
} as const;

export interface CellDescription {
  title: string;
  lines: string[];
}

const quote = (s: string) => `“${s.replace(/\n/g, '⏎')}”`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** What the tooltip (and the screen-reader status) says about one grid cell. */
export function describeCell(log: RunLog, hit: CellHit): CellDescription | null {
  const ev = log.events[hit.iteration];
  const s = ev?.slots[hit.row];
  if (!ev || !s) return null;
  const title = s.requestId === null ? `S${hit.row + 1}: empty slot` : `Request R${s.requestId} in slot S${hit.row + 1}`;
  const lines: string[] = [];
  const kind = hit.run.kind;
  if (kind === 'idle') lines.push(IDLE_TEXT[s.idleReason ?? 'empty']);
  else if (kind === 'cached') {
    const n = s.startPos ?? 0;
    lines.push(
      hit.run.served === 'fork'
        ? `prompt positions 0–${n - 1}: shared with the completion that prefilled them (parallel sampling), not computed again`
        : `prompt positions 0–${n - 1}: served from the prefix cache, computed by an earlier request; no compute this time`,
    );
    lines.push(`prompt token ${quote(log.tokenText(log.requests.get(s.requestId!)?.meta?.prompt[hit.chunkOffset] ?? -1))} at position ${hit.chunkOffset}`);
  }
  else if (kind === 'prefill') {
    const tokens = s.inputTokens ?? [];
    const start = s.startPos ?? 0;
    if (hit.run.perIteration) {
      // Iteration columns: the cell stands for the whole prompt chunk of this iteration.
      lines.push(`prefill of ${s.tokenCount} prompt token${s.tokenCount === 1 ? '' : 's'}, positions ${start}–${start + s.tokenCount - 1}`);
      lines.push(quote(truncate(log.text(tokens, start === 0 ? -1 : 0), 60)));
    } else {
      const t = tokens[hit.chunkOffset];
      lines.push(`prompt token ${quote(log.tokenText(t, hit.chunkOffset > 0 ? tokens[hit.chunkOffset - 1] : -1))} at position ${start + hit.chunkOffset}`);
    }
  }
  const simulated = ev.timeSource === 'simulated';
  if (kind !== 'idle' && kind !== 'prefill' && kind !== 'cached') lines.push(generatedLine(log, s.outputToken, (s.startPos ?? 0) + s.tokenCount, simulated));
  else if (kind === 'prefill' && hit.run.perIteration && s.outputToken >= 0) {
    lines.push(`and its first ${generatedLine(log, s.outputToken, (s.startPos ?? 0) + s.tokenCount, simulated)}`);
  }
  if (s.finished) lines.push(s.finishReason === 'length' ? 'the request ends here: it reached its length limit' : 'the request ends here: the model produced end-of-sequence');
  lines.push(`iteration ${ev.index + 1} · step ${ms(ev.backendMs)} ms ${ev.timeSource} · ${ev.strategy} batching`);
  return { title, lines };
}

function generatedLine(log: RunLog, token: number, pos: number, simulated: boolean): string {
  // The cost model runs no model: its placeholder token id must not read as real text ("<unk>").
  if (simulated) return `generated token at position ${pos} (simulated: no text)`;
  return token === 2 ? `generated end-of-sequence at position ${pos}` : `generated token ${quote(log.tokenText(token))} at position ${pos}`;
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
