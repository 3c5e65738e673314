import { area, axisBottom, axisLeft, line, max, scaleLinear, select, stack } from 'd3';
import { useEffect, useRef } from 'react';
import { palettes, type Palette } from '../../src/theme/palette';
import { useApp } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';
import { throttled } from '../shared/throttle';
import { useLatest } from '../shared/frames';
import { Legend } from '../shared/Legend';
import { chartData, compareChartData, type ChartData, type ChartKind } from './series';
import { svgSize, useRedrawOnResize } from './svg-size';
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

const M = { top: 6, right: 8, bottom: 18, left: 36 };

function colors(kind: ChartKind, p: Palette, lanes: number): string[] {
  if (lanes > 1) return [p.series[1], p.series[0]];
  return kind === 'kv' ? [p.kvUsed, p.kvReserved, p.kvInternal, p.kvExternal] : [...p.series];
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
  const palette = palettes[theme];
  const data = (): ChartData =>
    lanes.length > 1 ? compareChartData(kind, lanes.map((l, i) => ({ label: strategies.split('|')[i], events: logs[l].events }))) : chartData(kind, logs[lanes[0]].events);
  const draw = () => {
    // Rates are timed: say by what clock (the lanes of one chart share it).
    if (badge.current) badge.current.textContent = kind === 'throughput' ? clockOf(logs[lanes[0]].lastEvent?.timeSource, source) : '';
    if (svg.current) renderChart(svg.current, data(), colors(kind, palette, lanes.length), palette);
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
      <svg ref={svg} role="img" aria-label={`${title}: ${d.yLabel} per ${d.xLabel}`} />
      <Legend label={`${title} legend`} items={d.series.map((s, i) => ({ label: s.label, style: { background: cs[i % cs.length] } }))} />
    </figure>
  );
}

/** Where a chart's times come from, short enough for a chart's caption. */
export function clockOf(time: 'measured' | 'simulated' | undefined, source: string): string {
  if (!time) return '';
  if (time === 'simulated') return 'simulated';
  return source === 'recorded' ? 'recorded' : source === 'replay' ? 'imported' : 'measured';
}

export function renderChart(el: SVGSVGElement, d: ChartData, cs: string[], p: Palette): void {
  const { width: W, height: H } = svgSize(el);
  const root = select(el);
  const xs = d.series.flatMap((s) => s.x);
  root.selectAll('*').remove();
  if (xs.length === 0) {
    // No axes made up for an empty run: say what fills the chart instead.
    root.append('text').attr('x', W / 2).attr('y', H / 2).attr('text-anchor', 'middle').attr('font-size', 11).attr('fill', p.muted).text('No iterations yet: press Play or Step');
    return;
  }
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
  root.append('g').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).tickValues(integerTicks(x.ticks(4))).tickFormat(valueTick()).tickSizeOuter(0));
  root.append('g').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(4).tickFormat(valueTick(d.unit)).tickSizeOuter(0));
  root.selectAll('.domain, .tick line').attr('stroke', p.gridLine);
  root.selectAll('.tick text').attr('fill', p.muted);
  // The x axis's unit, in the plot's corner: iterations, not seconds (two lanes differ in length).
  root.append('text').attr('class', 'axis-unit').attr('x', W - M.right - 2).attr('y', H - M.bottom - 4).attr('text-anchor', 'end').attr('font-size', 10).attr('fill', p.muted).text(`${d.xLabel} →`);
  if (stacked && first) {
    const a = area<[number, number]>()
      .x((_, i) => x(first.x[i]))
      .y0((s) => y(s[0]))
      .y1((s) => y(s[1]));
    stacked.forEach((layer, k) => root.append('path').attr('d', a(layer as unknown as [number, number][])).attr('fill', cs[k % cs.length]).attr('opacity', 0.85));
    return;
  }
  d.series.forEach((s, k) => {
    const l = line<number>()
      .x((_, i) => x(s.x[i]))
      .y((v) => y(v));
    root.append('path').attr('d', l(s.values)).attr('fill', 'none').attr('stroke', cs[k % cs.length]).attr('stroke-width', 1.5);
  });
}
