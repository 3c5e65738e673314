import { useEffect, useRef, useState } from 'react';
import { summarizeExperts } from '../../engine/serve/experts';
import { useApp } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';
import { mix, palettes } from '../../src/theme/palette';
import { frameScheduler, useCanvasSize, useLatest } from '../shared/frames';
import { clockOf } from '../Charts/TimeChart';
import { canvasFont, canvasType } from '../shared/type-scale';
import { stripLayout, type StripLayer, type StripLayout } from './layout';

const LABEL_W = 26;
/** Columns about as wide as the grid's at its default zoom, the newest on the right. */
const COL_W = 7;

/**
 * Mixture-of-experts load under the grid: experts as rows, iterations as columns, each cell shaded
 * by the tokens routed to that expert in that iteration (blank: the expert was not run, so its
 * weights were not read). One layer, or all layers summed. Drawn from a log subscription, not by
 * React; it appears only once the run has routing records (a dense or simulated run has none).
 */
export function ExpertStrip({ lane, compact = false }: { lane: LaneId; compact?: boolean }) {
  const log = useApp((s) => s.logs[lane]);
  const source = useApp((s) => s.lanes[lane].source);
  const theme = useApp((s) => s.theme);
  const [shape, setShape] = useState<{ nExperts: number; nLayers: number } | null>(null);
  const [layer, setLayer] = useState<StripLayer>('all');
  const canvas = useRef<HTMLCanvasElement>(null);
  const caption = useRef<HTMLParagraphElement>(null);
  const run = useRef<HTMLSpanElement>(null);
  const badge = useRef<HTMLSpanElement>(null);
  const size = useRef({ w: 1, h: 1, dpr: 1 });

  const draw = () => {
    const last = log.lastEvent?.experts;
    const next = last?.load ? { nExperts: last.nExperts, nLayers: last.nLayers } : null;
    if (next?.nExperts !== shape?.nExperts || next?.nLayers !== shape?.nLayers) setShape(next);
    const { w, h, dpr } = size.current;
    const cols = Math.max(1, Math.floor((w - LABEL_W) / COL_W));
    const layout = stripLayout(log.events, layer === 'all' || (next && layer < next.nLayers) ? layer : 'all', cols);
    writeText(layout);
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    // Labels follow the type scale (screen size, presenter mode).
    if (layout) paint(ctx, layout, w, h, palettes[theme], canvasType(canvas.current).labelPx);
  };

  const writeText = (layout: StripLayout | null) => {
    const newest = layout?.columns[layout.columns.length - 1];
    if (caption.current) {
      caption.current.textContent = newest
        ? `Iteration ${newest.iteration + 1}: ${newest.touched} of ${layout!.nExperts} experts ran${layer === 'all' ? ' (all layers)' : ` in layer ${(layer as number) + 1}`}, busiest ${newest.imbalance.toFixed(1)}× the mean. Darker: a larger share of the iteration's tokens; blank: the expert did not run, its weights were not read.`
        : '';
    }
    // The routing is counted from the model's own router, so it is as measured as the run (the cost model routes nothing, so never simulated).
    if (badge.current) badge.current.textContent = layout ? clockOf(log.lastEvent?.timeSource, source) : '';
    const s = summarizeExperts(log.events);
    if (run.current) run.current.textContent = s ? `run: ${s.touched.toFixed(1)} of ${s.nExperts} per layer, max/mean ${s.imbalance?.toFixed(2) ?? '—'}` : '';
  };

  const drawRef = useLatest(draw);
  useCanvasSize(canvas, (w, h, dpr) => {
    size.current = { w, h, dpr };
    drawRef.current();
  });
  useEffect(() => {
    const sched = frameScheduler(() => drawRef.current());
    sched.request();
    const un = log.subscribe(sched.request);
    return () => {
      un();
      sched.cancel();
    };
  }, [log, layer, theme, source, drawRef]);

  return (
    <figure className={`view expert-strip${shape ? '' : ' empty'}`} data-testid={lane === 'a' ? 'expert-strip' : `expert-strip-${lane}`} data-tour={lane === 'a' ? 'experts' : undefined} aria-label="Expert load per iteration" hidden={!shape}>
      <div className="strip-head">
        <span className="view-title">
          {compact ? 'Experts' : 'Experts × iterations'} <span className="badge" ref={badge} data-testid={lane === 'a' ? 'strip-clock' : `strip-clock-${lane}`} />
        </span>
        <span className="strip-run" ref={run} data-testid={lane === 'a' ? 'strip-run' : `strip-run-${lane}`} />
        <label className="strip-layer">
          layer{' '}
          <select value={String(layer)} onChange={(e) => setLayer(e.target.value === 'all' ? 'all' : Number(e.target.value))} data-testid={lane === 'a' ? 'expert-layer' : `expert-layer-${lane}`}>
            <option value="all">all</option>
            {Array.from({ length: shape?.nLayers ?? 0 }, (_, l) => (
              <option key={l} value={l}>
                {l + 1}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="canvas-wrap strip-canvas">
        <canvas ref={canvas} role="img" aria-label="Rows are experts, columns are iterations; a darker cell means more tokens were routed to that expert, a blank one that the expert did not run." />
      </div>
      <p className="fineprint strip-caption" ref={caption} aria-live="off" />
    </figure>
  );
}

function paint(ctx: CanvasRenderingContext2D, layout: StripLayout, w: number, h: number, p: (typeof palettes)['light'], labelPx: number): void {
  const E = layout.nExperts;
  const rowH = h / E;
  const colW = COL_W;
  // Rows are too short for a readable label each: the first and last expert are named, at the type scale's size.
  ctx.font = canvasFont(labelPx);
  ctx.fillStyle = p.muted;
  if (h >= 2 * labelPx + 4) {
    ctx.textBaseline = 'top';
    ctx.fillText('e0', 2, 0);
    ctx.textBaseline = 'bottom';
    ctx.fillText(`e${E - 1}`, 2, h);
  }
  // Shaded by share of the column's tokens, so a prefill step and a decode step read alike: an even
  // share (1/E) is mid-tone, 2.5x the even share or more is full.
  layout.columns.forEach((c, i) => {
    const x = LABEL_W + i * colW;
    const mean = c.load.reduce((a, b) => a + b, 0) / E;
    for (let e = 0; e < E; e++) {
      const v = c.load[e];
      ctx.fillStyle = v === 0 ? p.surface : mix(p.surface, p.decode, 0.2 + 0.8 * Math.min(1, v / (2.5 * mean)));
      ctx.fillRect(x, e * rowH, colW - 1, Math.max(1, rowH - 1));
    }
  });
}
