import type { IdleReason, IterationEvent, SlotRecord } from '../../engine/serve/events';

/**
 * The grid's pure layout: IterationEvents in, runs of same-looking cells per row out. Drawing and
 * hit testing both read this, so what you hover is exactly what was drawn.
 *
 * Two column meanings:
 * - 'iterations': one column per engine iteration (wall-clock order); every slot gets one cell.
 * - 'tokens': Anyscale's figure. Columns are token positions T1..Tn along each row: a prefill
 *   lays its prompt cells down, each sampled token adds one cell, an idle iteration adds one
 *   wasted cell; a request that takes over the slot continues on the same row after the END.
 *   Prompt positions served without compute (a prefix-cache hit, or a completion's share of the
 *   prompt its first completion prefilled) come first, as 'cached' cells; in iteration columns
 *   they take nothing, since no step computed them.
 */
export type GridMode = 'iterations' | 'tokens';
/** 'cached': prompt positions a request got without computing them (prefix cache, or its completions' shared prefill). */
export type CellKind = 'prefill' | 'decode' | 'end' | 'idle' | 'cached';

export interface GridRun {
  col: number;
  len: number;
  kind: CellKind;
  idleReason?: IdleReason;
  requestId: number | null;
  /** Iteration of the first cell. */
  iteration: number;
  /** True when each cell is one more iteration; false when all cells come from one prefill chunk. */
  perIteration: boolean;
  /** For 'cached' cells: served by the prefix cache, or shared at a fork of parallel samples. */
  served?: 'cache' | 'fork';
}

export interface CellHit {
  row: number;
  col: number;
  run: GridRun;
  iteration: number;
  /** For a prompt cell, which token of the iteration's prefill chunk it is. */
  chunkOffset: number;
}

const tokenKind = (s: SlotRecord): CellKind => (s.finished ? 'end' : s.kind === 'prefill' ? 'prefill' : 'decode');

export class GridLayout {
  readonly mode: GridMode;
  readonly rows: GridRun[][] = [];
  /** Columns used by the longest row. */
  columns = 0;
  iterations = 0;

  constructor(mode: GridMode) {
    this.mode = mode;
  }

  static from(mode: GridMode, events: readonly IterationEvent[]): GridLayout {
    const g = new GridLayout(mode);
    for (const ev of events) g.append(ev);
    return g;
  }

  append(ev: IterationEvent): void {
    for (const s of ev.slots) {
      while (this.rows.length <= s.slot) this.rows.push([]);
      if (this.mode === 'iterations') this.appendIterationCell(s, ev.index);
      else this.appendTokenCells(s, ev.index);
    }
    this.iterations = ev.index + 1;
  }

  private appendIterationCell(s: SlotRecord, iteration: number): void {
    const kind = s.kind === 'idle' ? 'idle' : tokenKind(s);
    this.push(s.slot, { col: iteration, len: 1, kind, idleReason: s.idleReason, requestId: s.requestId, iteration, perIteration: true });
  }

  private appendTokenCells(s: SlotRecord, iteration: number): void {
    const row = this.rows[s.slot];
    let col = row.length ? row[row.length - 1].col + row[row.length - 1].len : 0;
    const base = { requestId: s.requestId, iteration };
    if (s.kind === 'idle') {
      this.push(s.slot, { ...base, col, len: 1, kind: 'idle', idleReason: s.idleReason, perIteration: true });
      return;
    }
    const served = s.kind === 'prefill' && (s.cachedTokens || s.forkedTokens) ? (s.startPos ?? 0) : 0;
    if (served > 0) {
      this.push(s.slot, { ...base, col, len: served, kind: 'cached', perIteration: false, served: s.cachedTokens ? 'cache' : 'fork' });
      col += served;
    }
    if (s.kind === 'prefill') {
      this.push(s.slot, { ...base, col, len: s.tokenCount, kind: 'prefill', perIteration: false });
      col += s.tokenCount;
    }
    if (s.outputToken >= 0) this.push(s.slot, { ...base, col, len: 1, kind: s.finished ? 'end' : 'decode', perIteration: true });
  }

  /** Appends a run, merging it into the row's last run when they look the same and continue each other. */
  private push(rowIndex: number, run: GridRun): void {
    const row = this.rows[rowIndex];
    const last = row[row.length - 1];
    const mergeable =
      last &&
      last.perIteration &&
      run.perIteration &&
      last.kind === run.kind &&
      run.kind !== 'end' &&
      last.requestId === run.requestId &&
      last.idleReason === run.idleReason &&
      last.col + last.len === run.col &&
      last.iteration + last.len === run.iteration;
    if (mergeable) last.len += run.len;
    else row.push(run);
    this.columns = Math.max(this.columns, run.col + run.len);
  }

  /** Index of the first run in `row` that ends after `col` (binary search). */
  firstRunAfter(row: number, col: number): number {
    const runs = this.rows[row] ?? [];
    let lo = 0;
    let hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid].col + runs[mid].len <= col) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  hit(row: number, col: number): CellHit | null {
    const runs = this.rows[row];
    if (!runs || col < 0) return null;
    const run = runs[this.firstRunAfter(row, col)];
    if (!run || run.col > col) return null;
    const offset = col - run.col;
    return { row, col, run, iteration: run.perIteration ? run.iteration + offset : run.iteration, chunkOffset: run.perIteration ? 0 : offset };
  }

  /** Every run of one request, for highlighting a clicked request. */
  runsOf(requestId: number): { row: number; run: GridRun }[] {
    const out: { row: number; run: GridRun }[] = [];
    this.rows.forEach((runs, row) => runs.forEach((run) => run.requestId === requestId && run.kind !== 'idle' && out.push({ row, run })));
    return out;
  }
}
