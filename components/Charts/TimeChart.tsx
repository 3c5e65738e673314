import { area, axisBottom, axisLeft, line, max, scaleLinear, select, stack } from 'd3';
import { useEffect, useRef } from 'react';
import { mix, palettes, type Palette } from '../../src/theme/palette';
import { useApp } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';
import { throttled } from '../shared/throttle';
import { useLatest } from '../shared/frames';
import { hatchCss, hatchSvgPattern } from '../shared/hatch';
import { Legend, type LegendItem } from '../shared/Legend';
import { chartData, compareChartData, type ChartData, type ChartKind } from './series';
import { axisUnit, chartMargins, svgSize, useRedrawOnResize, yTickCount } from './svg-size';
import { integerTicks, valueTick } from './ticks';

const TITLES: Record<ChartKind, string> = {
  throughput: 'Throughput',
  batch: 'Batch occupancy and queue',
  kv: 'KV pool over time',
};
const COMPARE_TITLES: Record<ChartKind, string> = {
  throughput: 'Throughput',
  batch: 'Busy slots',
  kv: 'KV waste',
};

function colors(kind: ChartKind, p: Palette, lanes: number): string[] {
  if (lanes > 1) return [p.series[1], p.series[0]];
  return kind === 'kv' ? [p.kvUsed, p.kvReserved, p.kvInternal, p.kvExternal] : [...p.series];
}

/** Colour is never the only cue: lines after the first are dashed, KV waste is hatched as on the map. */
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const HATCHED = ['reserved', 'internal', 'external'] as const;
const isHatched = (key: string): key is (typeof HATCHED)[number] => (HATCHED as readonly string[]).includes(key);

function legendItems(d: ChartData, cs: string[], p: Palette): LegendItem[] {
  return d.series.map((s, i) => {
    const c = cs[i % cs.length];
    if (d.stacked && isHatched(s.key)) return { label: s.label, style: { background: `${hatchCss(p, s.key)}, ${mix(c, p.background, 0.7)}` } };
    if (d.stacked || !DASHES[i % DASHES.length]) return { label: s.label, style: { background: c } };
    const [on, off] = DASHES[i % DASHES.length].split(' ');
    return { label: s.label, style: { background: `repeating-linear-gradient(90deg, ${c} 0 ${on}px, transparent ${on}px ${Number(on) + Number(off)}px)`, height: 3, outline: 'none' } };
  });
}

/** A small chart over iterations for one lane, or one line per lane in compare mode; redrawn by d3 a few times a second. */
export function TimeChart({ lanes, kind }: { lanes: LaneId[]; kind: ChartKind }) {
  const logs = useApp((s) => s.logs);
  // Compare mode's lanes go by what differs between them ("Paged KV"), else by strategy.
  const strategies = useApp((s) => lanes.map((l) => (s.lanes[l].source === 'replay' ? null : s.lanes[l].label) ?? s.lanes[l].strategy).join('|'));
  const source = useApp((s) => s.lanes[lanes[0]].source);
  const badge = useRef<HTMLSpanElement>(null);
  const theme = useApp((s) => s.theme);
  const svg = useRef<SVGSVGElement>(null);
  const empty = useRef<HTMLParagraphElement>(null);
  const palette = palettes[theme];
  const data = (): ChartData =>
    lanes.length > 1 ? compareChartData(kind, lanes.map((l, i) => ({ label: strategies.split('|')[i], events: logs[l].events }))) : chartData(kind, logs[lanes[0]].events);
  const draw = () => {
    // Rates are timed: say by what clock (the lanes of one chart share it).
    if (badge.current) badge.current.textContent = kind === 'throughput' ? clockOf(logs[lanes[0]].lastEvent?.timeSource, source) : '';
    if (!svg.current) return;
    const drawn = renderChart(svg.current, data(), colors(kind, palette, lanes.length), palette);
    // The empty state is HTML over the plot, so it wraps instead of being cut at the edges.
    if (empty.current) empty.current.hidden = drawn;
  };
  const drawRef = useLatest(draw);
  useRedrawOnResize(svg, drawRef);
  const key = lanes.join(',');
  useEffect(() => {
    const t = throttled(() => drawRef.current(), 250);
    drawRef.current();
    const subs = key.split(',').map((l) => logs[l as LaneId].subscribe(t.request));
    return () => {
      subs.forEach((u) => u());
      t.cancel();
    };
  }, [logs, key, theme, kind, strategies, source, drawRef]);
  const d = data();
  const cs = colors(kind, palette, lanes.length);
  const title = lanes.length > 1 ? COMPARE_TITLES[kind] : TITLES[kind];
  return (
    <figure className="chart" data-testid={`chart-${kind}`}>
      <figcaption>
        {title} <span className="badge" ref={badge} data-testid={`chart-${kind}-clock`} />
      </figcaption>
      <div className="chart-plot">
        <svg ref={svg} role="img" aria-label={`${title}: ${d.yLabel} per ${d.xLabel}`} />
        <p className="chart-empty" ref={empty} data-testid={`chart-${kind}-empty`}>
          No iterations yet: press Play or Step
        </p>
      </div>
      <Legend label={`${title} legend`} items={legendItems(d, cs, palette)} />
    </figure>
  );
}

/** Where a chart's times come from, short enough for a chart's caption. */
export function clockOf(time: 'measured' | 'simulated' | undefined, source: string): string {
  if (!time) return '';
  if (time === 'simulated') return 'simulated';
  return source === 'recorded' ? 'recorded' : source === 'replay' ? 'imported' : 'measured';
}

/** Draws the chart; false (and nothing drawn: no axes made up) when there are no iterations yet. */
export function renderChart(el: SVGSVGElement, d: ChartData, cs: string[], p: Palette): boolean {
  const { width: W, height: H } = svgSize(el);
  const root = select(el);
  const xs = d.series.flatMap((s) => s.x);
  root.selectAll('*').remove();
  if (xs.length === 0) return false;
  const M = chartMargins(el, 5);
  const x = scaleLinear()
    .domain([1, Math.max(2, max(xs) ?? 2)])
    .range([M.left, W - M.right]);
  const first = d.series[0];
  const stacked = d.stacked && first ? stack<number>().keys(d.series.map((_, i) => String(i))).value((i, k) => d.series[Number(k)].values[i])(first.x.map((_, i) => i)) : null;
  const top = stacked ? (max(stacked[stacked.length - 1] ?? [], (s) => s[1]) ?? 0) : (max(d.series.flatMap((s) => s.values)) ?? 0);
  const y = scaleLinear()
    .domain([0, top || 1])
    .nice()
    .range([H - M.bottom, M.top]);
  const xAxis = root.append('g').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).tickValues(integerTicks(x.ticks(4))).tickFormat(valueTick()).tickSizeOuter(0));
  root.append('g').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(yTickCount(H - M.top - M.bottom, M.fontPx)).tickFormat(valueTick(d.unit)).tickSizeOuter(0));
  root.selectAll('.domain, .tick line').attr('stroke', p.gridLine);
  root.selectAll('.tick text').attr('fill', p.muted);
  // The x axis's unit: iterations, not seconds (two lanes differ in length).
  axisUnit(el, xAxis.node()!, `${d.xLabel} →`, W - M.right, H - M.bottom + 9, M.fontPx, p.muted);
  if (stacked && first) {
    root.append('defs').html(d.series.map((s, k) => (isHatched(s.key) ? hatchSvgPattern(p, s.key, `chart-hatch-${s.key}`, mix(cs[k % cs.length], p.background, 0.7)) : '')).join(''));
    const a = area<[number, number]>()
      .x((_, i) => x(first.x[i]))
      .y0((s) => y(s[0]))
      .y1((s) => y(s[1]));
    stacked.forEach((layer, k) => {
      const key = d.series[k].key;
      root.append('path').attr('d', a(layer as unknown as [number, number][])).attr('fill', isHatched(key) ? `url(#chart-hatch-${key})` : cs[k % cs.length]).attr('opacity', isHatched(key) ? 1 : 0.85);
    });
    return true;
  }
  d.series.forEach((s, k) => {
    const l = line<number>()
      .x((_, i) => x(s.x[i]))
      .y((v) => y(v));
    root.append('path').attr('d', l(s.values)).attr('fill', 'none').attr('stroke', cs[k % cs.length]).attr('stroke-width', 1.5).attr('stroke-dasharray', DASHES[k % DASHES.length] || null);
  });
  return true;
}
