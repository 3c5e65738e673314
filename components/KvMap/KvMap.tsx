import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent } from 'react';
import type { KvSnapshot } from '../../engine/serve/events';
import { kvWaste } from '../../src/run/metrics';
import { useApp, useAppStore } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';
import { palettes } from '../../src/theme/palette';
import { frameScheduler, useCanvasSize, useLatest } from '../shared/frames';
import { makeHatches } from '../shared/hatch';
import { useSummary } from '../shared/DataTable';
import { kvSummary } from '../shared/text-alternative';
import { drawKv, type KvDrawStyle } from './draw';
import { KvLegend } from './KvLegend';
import { kvKey, squareOrigin } from './navigation';
import { kvBlocks, kvCells, kvShares, KV_CATEGORIES, type KvBlock } from './layout';

const pct = (x: number) => `${x < 10 && x > 0 ? x.toFixed(1) : x.toFixed(0)}%`;

/**
 * The physical KV pool after the newest iteration: every block, by waste category or by owner,
 * with the exact pool totals above it. Redrawn from a log subscription, not by React.
 */
export function KvMap({ lane, compact = false, legend = true }: { lane: LaneId; compact?: boolean; legend?: boolean }) {
  const store = useAppStore();
  const log = useApp((s) => s.logs[lane]);
  const theme = useApp((s) => s.theme);
  const view = useApp((s) => s.kvView);
  const canvas = useRef<HTMLCanvasElement>(null);
  const bar = useRef<HTMLDivElement>(null);
  const caption = useRef<HTMLParagraphElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const summary = useSummary(log, () => kvSummary(log.lastEvent));
  const st = useRef({ w: 1, h: 1, dpr: 1, style: null as KvDrawStyle | null, blocks: [] as KvBlock[], perCell: 1, grid: { cols: 1, rows: 1, size: 0 }, hover: null as number | null, kv: null as KvSnapshot | null });

  const draw = () => {
    const s = st.current;
    const kv = log.lastEvent?.kv ?? null;
    s.kv = kv;
    const root = canvas.current?.closest('figure');
    if (!kv) {
      // A reset or a new run: nothing of the previous pool may stay on screen.
      if (caption.current) caption.current.textContent = 'No iterations yet.';
      for (const seg of Array.from(bar.current?.children ?? []) as HTMLElement[]) {
        seg.style.flexBasis = '0%';
        seg.textContent = '';
        seg.title = '';
      }
      s.blocks = [];
      const ctx = canvas.current?.getContext('2d');
      ctx?.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      return;
    }
    root?.setAttribute('data-manager', kv.manager);
    // Counts for tests and assistive tools: blocks several sequences read, and free ones still cached.
    root?.setAttribute('data-shared-blocks', String(kv.refs ? kv.refs.filter((r) => r > 1).length : 0));
    root?.setAttribute('data-cached-blocks', String(kv.cached ? kv.cached / kv.blockSize : 0));
    const expected = (id: number) => log.requests.get(id)?.meta?.expectedTokens;
    // Thousands of blocks (a simulated GPU) would be specks: squares then stand for groups of blocks.
    const cells = kvCells(kvBlocks(kv, expected), s.w, s.h);
    Object.assign(s, { blocks: cells.cells, grid: cells.grid, perCell: cells.perCell });
    updateText(kv, cells.perCell);
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    if (!s.style) s.style = { palette: palettes[theme], hatches: makeHatches(ctx, palettes[theme], s.dpr) };
    ctx.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
    drawKv(ctx, s.blocks, s.grid, view, s.style, { selected: store.getState().selected, hover: s.hover, blockSize: kv.blockSize * s.perCell });
  };

  const updateText = (kv: KvSnapshot, perCell: number) => {
    const shares = kvShares(kv);
    if (caption.current) {
      const cap = kv.numBlocks * kv.blockSize;
      const n = (x: number) => x.toLocaleString('en-US');
      const squares = perCell > 1 ? ` · each square = ${perCell} blocks` : '';
      const saved = kv.shared ? ` · sharing saves ${n(kv.shared)} slots` : '';
      caption.current.textContent = `${kv.manager === 'paged' ? 'Paged' : 'Contiguous'} · ${n(kv.numBlocks)} blocks × ${kv.blockSize} tokens = ${n(cap)} token slots${squares} · waste now ${pct(100 * kvWaste(kv))} of allocated${saved}`;
    }
    const segs = bar.current?.children;
    if (!segs) return;
    KV_CATEGORIES.forEach((c, i) => {
      const el = segs[i] as HTMLElement;
      el.style.flexBasis = `${shares[c]}%`;
      el.title = `${c}: ${pct(shares[c])} of the pool`;
      el.textContent = shares[c] >= 9 ? pct(shares[c]) : '';
    });
  };

  const drawRef = useLatest(draw);
  const sched = useRef(frameScheduler(() => drawRef.current())).current;
  useEffect(() => {
    st.current.style = null;
    sched.request();
  }, [theme, view, log, sched]);
  useEffect(() => {
    const a = log.subscribe(sched.request);
    const b = store.subscribe((s, p) => s.selected !== p.selected && sched.request());
    return () => {
      a();
      b();
      sched.cancel();
    };
  }, [log, store, sched]);
  useCanvasSize(canvas, (w, h, dpr) => {
    Object.assign(st.current, { w, h, dpr });
    drawRef.current();
  });

  /** Inspects square `i` (null hides the tooltip); x, y: where to put the tooltip, in canvas px. */
  const inspect = (i: number | null, x = 0, y = 0) => {
    const s = st.current;
    const b = i === null ? undefined : s.blocks[i];
    s.hover = b ? i : null;
    sched.request();
    const t = tip.current;
    if (!t) return;
    t.hidden = !b;
    if (!b) return;
    t.textContent = s.perCell > 1 ? describeGroup(b, s.perCell, s.kv!.blockSize) : describeBlock(b, s.kv!.blockSize);
    t.style.left = `${Math.max(0, Math.min(x + 12, s.w - t.offsetWidth - 2))}px`;
    t.style.top = `${Math.max(0, Math.min(y + 12, s.h - t.offsetHeight - 2))}px`;
  };

  const onMove = (e: ReactMouseEvent) => {
    const s = st.current;
    const r = canvas.current!.getBoundingClientRect();
    const col = Math.floor((e.clientX - r.left) / (s.grid.size + 1));
    const row = Math.floor((e.clientY - r.top) / (s.grid.size + 1));
    const i = col < s.grid.cols ? row * s.grid.cols + col : -1;
    inspect(s.blocks[i] ? i : null, e.clientX - r.left, e.clientY - r.top);
  };

  const select = () => store.getState().setUi({ selected: st.current.blocks[st.current.hover ?? -1]?.owner ?? null });

  const onKey = (e: ReactKeyboardEvent) => {
    const s = st.current;
    const r = kvKey(e.key, s.hover, s.blocks.length, s.grid.cols);
    if (!r) return;
    e.preventDefault();
    if (r.kind === 'select') select();
    else if (r.kind === 'clear') {
      inspect(null);
      store.getState().setUi({ selected: null });
    } else {
      const o = squareOrigin(r.index, s.grid);
      inspect(r.index, o.x + s.grid.size, o.y + s.grid.size);
    }
  };

  return (
    <figure className="view kv-view" data-testid={lane === 'a' ? 'kv-map' : `kv-map-${lane}`} data-tour={lane === 'a' ? 'kv-map' : undefined} aria-label="KV cache memory map">
      <div className="view-toolbar">
        <h2 className="view-title">KV cache memory</h2>
        <div className="segmented presenter-hidden" role="radiogroup" aria-label="Colour blocks by">
          <button role="radio" aria-checked={view === 'waste'} onClick={() => store.getState().setUi({ kvView: 'waste' })}>
            Waste
          </button>
          <button role="radio" aria-checked={view === 'owner'} onClick={() => store.getState().setUi({ kvView: 'owner' })}>
            Owner
          </button>
        </div>
      </div>
      <p className="caption" ref={caption} />
      <div className="kv-bar" ref={bar} aria-hidden="true">
        {KV_CATEGORIES.map((c) => (
          <span key={c} className={`kv-seg kv-${c}`} />
        ))}
      </div>
      <div className="canvas-wrap">
        <canvas
          ref={canvas}
          tabIndex={0}
          role="img"
          aria-label="Physical KV blocks. Arrow keys inspect blocks, Enter selects the request that holds one, Escape clears."
          aria-describedby={`kv-summary-${lane}`}
          onMouseMove={onMove}
          onMouseLeave={() => inspect(null)}
          onBlur={() => inspect(null)}
          onClick={select}
          onKeyDown={onKey}
        />
        <div className="tooltip" ref={tip} hidden role="status" aria-live="polite" />
      </div>
      <p className="sr-only" id={`kv-summary-${lane}`} ref={summary} />
      {legend && <KvLegend compact={compact} />}
    </figure>
  );
}

/** A square that stands for `perCell` blocks: which ones, and how their slots split. */
export function describeGroup(g: KvBlock, perCell: number, bs: number): string {
  const first = g.index * perCell;
  const parts = [`${g.used} of ${perCell * bs} slots written`];
  if (g.reserved) parts.push(`${g.reserved} reserved`);
  if (g.internal) parts.push(`${g.internal} internal`);
  if (g.external) parts.push(`${g.external} external`);
  if (g.free) parts.push(`${g.free} free`);
  if (g.refs > 1) parts.push(`some shared (up to ${g.refs} readers)`);
  if (g.cached) parts.push('some free ones still cached');
  return `Blocks ${first}–${first + perCell - 1} · ${g.owner >= 0 ? `mostly request R${g.owner} · ` : ''}${parts.join(' · ')}`;
}

export function describeBlock(b: KvBlock, bs: number): string {
  if (b.owner < 0) {
    const cached = b.cached ? ', still holding a cached prefix: a prompt that starts the same way reuses it; evicted least recently freed first when memory runs short' : '';
    return `Block ${b.index}: ${b.external ? 'free, but in a gap too small for the next reservation (external fragmentation)' : 'free'}${cached}`;
  }
  const parts = [`${b.used}/${bs} written`];
  if (b.reserved) parts.push(`${b.reserved} reserved`);
  if (b.internal) parts.push(`${b.internal} never used (internal)`);
  const who = b.refs > 1 ? `shared by ${b.refs} sequences of requests ${b.holders.map((h) => `R${h}`).join(', ')} (stored once)` : `request R${b.owner}`;
  return `Block ${b.index} · ${who} · ${parts.join(' · ')}`;
}
