import { select, zoom, zoomIdentity, type ZoomBehavior } from 'd3';
import { useEffect, useRef, type KeyboardEvent, type MouseEvent as ReactMouseEvent } from 'react';
import { palettes } from '../../src/theme/palette';
import { useApp, useAppStore } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';
import { makeHatches } from '../shared/hatch';
import { frameScheduler, useCanvasSize, useLatest } from '../shared/frames';
import { describeCell } from './describe';
import { useSummary } from '../shared/DataTable';
import { gridSummary } from '../shared/text-alternative';
import { canvasType } from '../shared/type-scale';
import { axisRoom, drawGrid, gridStyle } from './draw';
import { GridLayout, type CellHit } from './layout';
import { GridLegend } from './GridLegend';
import { GridToolbar } from './GridToolbar';
import { followStep, gridKey, syncLayout, type GridState } from './navigation';
import { DEFAULT_CELL, MAX_CELL, MIN_CELL, clampOffset, clampRowOffset, fitCell, followOffset, maxRowOffset, pointToCell, rowHeight, rowY } from './viewport';


/**
 * The batching grid: rows are batch slots, columns iterations (or token positions). Drawn on a
 * canvas from a store subscription, one draw per animation frame at most; React renders it only
 * when the theme, mode or lane changes.
 */
export function BatchGrid({ lane, title, compact = false, legend = true }: { lane: LaneId; title?: string; compact?: boolean; legend?: boolean }) {
  const store = useAppStore();
  const log = useApp((s) => s.logs[lane]);
  const mode = useApp((s) => s.gridMode);
  const theme = useApp((s) => s.theme);
  const presenter = useApp((s) => s.presenter);
  const canvas = useRef<HTMLCanvasElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  const zoomRef = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const summary = useSummary(log, () => gridSummary(log));
  const st = useRef<GridState>({
    layout: new GridLayout(mode),
    vp: { width: 1, height: 1, ...axisRoom(12), cellW: DEFAULT_CELL, offset: 0, rows: 1 },
    follow: true,
    autoZoom: true,
    hover: null,
    style: null,
    dpr: 1,
    runId: log.runId,
  });

  const draw = () => {
    const s = st.current;
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!s.style) {
      // Labels and row thickness follow the type scale (screen size, presenter mode).
      const type = canvasType(el);
      Object.assign(s.vp, axisRoom(type.labelPx), { minRow: type.minRowPx });
      if (ctx) s.style = gridStyle(palettes[theme], makeHatches(ctx, palettes[theme], s.dpr), type.labelPx);
    }
    syncLayout(s, log.events, mode, log.runId);
    s.vp.rows = Math.max(1, s.layout.rows.length);
    if (s.autoZoom) s.vp.cellW = fitCell(s.vp, s.layout.columns);
    const glide = s.follow ? followStep(s.vp, s.layout.columns) : null;
    s.vp.offset = glide ? glide.offset : clampOffset(s.vp, s.layout.columns, s.vp.offset);
    s.vp.rowOffset = clampRowOffset(s.vp, s.vp.rowOffset ?? 0);
    figure.current?.setAttribute('data-row-height', rowHeight(s.vp).toFixed(1));
    figure.current?.setAttribute('data-rows-scroll', String(maxRowOffset(s.vp) > 0));
    figure.current?.setAttribute('data-iterations', String(s.layout.iterations));
    figure.current?.setAttribute('data-columns', String(s.layout.columns));
    figure.current?.setAttribute('data-following', String(s.follow));
    // The run clock (busy time) of the newest iteration drawn, for end-to-end checks of the display pace.
    figure.current?.setAttribute('data-clock-ms', (log.lastEvent?.endMs ?? 0).toFixed(1));
    if (!el || !ctx || !s.style) return;
    ctx.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
    const t0 = performance.now();
    drawGrid(ctx, s.layout, s.vp, s.style, { selected: store.getState().selected, hover: s.hover });
    if (glide?.moving) sched.request();
    // Read by the frame-rate benchmark (tools/bench/grid.ts).
    figure.current?.setAttribute('data-draw-ms', (performance.now() - t0).toFixed(2));
    // Keep d3-zoom's idea of the transform in step with following and clamping.
    if (zoomRef.current) (el as unknown as { __zoom: unknown }).__zoom = zoomIdentity.translate(s.vp.offset + s.vp.left, 0).scale(s.vp.cellW / DEFAULT_CELL);
  };
  const drawRef = useLatest(draw);
  const sched = useRef(frameScheduler(() => drawRef.current())).current;

  useEffect(() => {
    st.current.style = null;
    st.current.layout = new GridLayout(mode);
    sched.request();
  }, [theme, mode, log, presenter, sched]);

  useEffect(() => {
    const unLog = log.subscribe(sched.request);
    const unStore = store.subscribe((s, prev) => s.selected !== prev.selected && sched.request());
    return () => {
      unLog();
      unStore();
      sched.cancel();
    };
  }, [log, store, sched]);

  useCanvasSize(canvas, (w, h, dpr) => {
    Object.assign(st.current.vp, { width: w, height: h });
    // A new size may be a new layout with another type scale (and dpr another hatch tile).
    st.current.style = null;
    st.current.dpr = dpr;
    drawRef.current();
  });

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    // With more slots than fit (64 in a compare lane), the plain wheel scrolls the rows and
    // Ctrl + wheel (or a pinch) zooms; otherwise the wheel zooms as before.
    const rowsScroll = (e: Event) => e instanceof WheelEvent && !e.ctrlKey && !e.metaKey && maxRowOffset(st.current.vp) > 0;
    const onWheel = (e: WheelEvent) => {
      if (!rowsScroll(e)) return;
      e.preventDefault();
      const vp = st.current.vp;
      vp.rowOffset = clampRowOffset(vp, (vp.rowOffset ?? 0) + e.deltaY);
      sched.request();
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    const z = zoom<HTMLCanvasElement, unknown>()
      .filter((e: Event) => (e.type === 'wheel' ? !rowsScroll(e) : !(e as MouseEvent).ctrlKey && !(e as MouseEvent).button))
      .scaleExtent([MIN_CELL / DEFAULT_CELL, MAX_CELL / DEFAULT_CELL])
      .on('zoom', (e) => {
        const s = st.current;
        if (e.sourceEvent) s.autoZoom = false;
        s.vp.cellW = DEFAULT_CELL * e.transform.k;
        s.vp.offset = e.transform.x - s.vp.left;
        if (e.sourceEvent) s.follow = s.vp.offset <= followOffset(s.vp, s.layout.columns) + 1;
        sched.request();
      });
    zoomRef.current = z;
    // Double-click is for selecting requests, not zooming.
    select(el).call(z).on('dblclick.zoom', null);
    return () => {
      select(el).on('.zoom', null);
      el.removeEventListener('wheel', onWheel);
      zoomRef.current = null;
    };
  }, [sched]);

  const showTip = (hit: CellHit | null, at?: { x: number; y: number }) => {
    const s = st.current;
    s.hover = hit;
    sched.request();
    const el = tip.current;
    if (!el) return;
    const d = hit ? describeCell(log, hit) : null;
    if (!d) {
      el.hidden = true;
      return;
    }
    el.hidden = false;
    el.replaceChildren(Object.assign(document.createElement('strong'), { textContent: d.title }), ...d.lines.map((l) => Object.assign(document.createElement('div'), { textContent: l })));
    const x = at?.x ?? s.vp.left + s.vp.offset + (hit!.col + 1) * s.vp.cellW;
    const y = at?.y ?? rowY(s.vp, hit!.row + 1);
    // Inside the canvas's box, whatever its width: a tooltip must not widen a phone's page.
    el.style.left = `${Math.max(0, Math.min(x + 12, s.vp.width - el.offsetWidth - 2))}px`;
    el.style.top = `${Math.max(0, Math.min(y + 12, s.vp.height - el.offsetHeight - 2))}px`;
  };

  const hitAt = (e: ReactMouseEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const cell = pointToCell(st.current.vp, x, y);
    return { hit: cell ? st.current.layout.hit(cell.row, cell.col) : null, x, y };
  };

  const onMove = (e: ReactMouseEvent) => {
    const { hit, x, y } = hitAt(e);
    showTip(hit, { x, y });
  };

  const onClick = (e: ReactMouseEvent) => {
    const { hit } = hitAt(e);
    store.getState().setUi({ selected: hit?.run.requestId ?? null });
  };

  const onKey = (e: KeyboardEvent) => {
    const s = st.current;
    const handled = gridKey(e.key, s, (id) => store.getState().setUi({ selected: id }), showTip);
    if (handled) {
      e.preventDefault();
      sched.request();
    }
  };

  const setFollow = () => {
    st.current.follow = true;
    sched.request();
  };
  const zoomBy = (f: number) => {
    st.current.autoZoom = false;
    const el = canvas.current;
    if (el && zoomRef.current) select(el).call(zoomRef.current.scaleBy, f, [st.current.vp.width - 1, 0]);
  };

  return (
    <figure className="view grid-view" data-testid={lane === 'a' ? 'grid' : `grid-${lane}`} data-tour={lane === 'a' ? 'grid' : undefined} ref={figure} aria-label={title ?? 'Batching grid'}>
      <GridToolbar
        title={
          compact || !title ? (
            title
          ) : (
            <>
              {title}
              <span className="title-extra">: slots × {mode === 'tokens' ? 'token positions' : 'iterations'}</span>
            </>
          )
        }
        onFollow={setFollow}
        onZoom={zoomBy} onTable={() => store.getState().setUi({ dataTable: lane })} tour={lane === 'a'} compact={compact} />
      <div className="canvas-wrap">
        <canvas
          ref={canvas}
          tabIndex={0}
          role="img"
          aria-label={`Batching grid: rows are batch slots, columns are ${mode === 'tokens' ? 'token positions' : 'iterations'}. Arrow keys inspect cells, Enter selects a request, plus and minus zoom, End follows the newest iteration.`}
          aria-describedby={`grid-summary-${lane}`}
          onMouseMove={onMove}
          onMouseLeave={() => showTip(null)}
          onClick={onClick}
          onKeyDown={onKey}
        />
        <div className="tooltip" ref={tip} hidden role="status" aria-live="polite" />
      </div>
      <p className="sr-only" id={`grid-summary-${lane}`} ref={summary} />
      {legend && <GridLegend lane={lane} compact={compact} />}
    </figure>
  );
}
