import { axisLeft, scaleLinear, select } from 'd3';
import { useEffect, useRef } from 'react';
import type { AnyscaleRow } from '../../engine';
import { useApp } from '../../src/store/store';
import { palettes, type Palette } from '../../src/theme/palette';
import { svgSize, useRedrawOnResize } from '../Charts/svg-size';
import { tokenPx } from '../shared/type-scale';
import { valueTick } from '../Charts/ticks';
import { useLatest } from '../shared/frames';
import { Legend } from '../shared/Legend';
import { ARMS, anyscaleLayout } from './anyscale-layout';

export const armColour = (p: Palette, i: number): string => [p.muted, p.series[1], p.series[0]][i];

/**
 * Anyscale's figure redrawn: throughput per output-length cap, one bar per setup, each
 * continuous bar labelled with its ratio to static batching at that cap.
 */
export function AnyscaleChart({ rows, caps, timeSource }: { rows: readonly AnyscaleRow[]; caps: readonly number[]; timeSource: 'measured' | 'simulated' }) {
  const theme = useApp((s) => s.theme);
  const p = palettes[theme];
  const svg = useRef<SVGSVGElement>(null);
  const drawRef = useLatest(() => svg.current && render(svg.current, rows, caps, timeSource, p));
  useRedrawOnResize(svg, drawRef);
  useEffect(() => {
    drawRef.current();
  }, [rows, caps, timeSource, p, drawRef]);
  return (
    <figure className="chart anyscale-chart" data-testid="anyscale-chart">
      <svg ref={svg} role="img" aria-label={`Throughput in tokens per second (${timeSource}) for each output-length cap and serving setup`} />
      <Legend label="Setups" items={ARMS.map((a, i) => ({ label: a.label, style: { background: armColour(p, i) } }))} />
    </figure>
  );
}

function render(el: SVGSVGElement, rows: readonly AnyscaleRow[], caps: readonly number[], timeSource: string, p: Palette): void {
  const { width: W, height: H } = svgSize(el, { width: 600, height: 260 });
  // Text takes the type scale's size (set by CSS on .chart svg text); room for it follows.
  const fs = tokenPx(el, '--fs-xs', 12);
  const M = { top: Math.ceil(fs * 1.4), right: 8, bottom: Math.ceil(fs * 2.6 + 6), left: Math.ceil(fs * 4.5) };
  const area = { left: M.left, top: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom };
  const l = anyscaleLayout(rows, caps, area);
  const root = select(el);
  root.selectAll('*').remove();
  const y = scaleLinear().domain([0, l.yMax]).range([area.top + area.height, area.top]);
  root.append('g').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(5).tickFormat(valueTick()).tickSizeOuter(0));
  root.selectAll('.domain, .tick line').attr('stroke', p.gridLine);
  root.selectAll('.tick text').attr('fill', p.muted);
  root.append('text').attr('x', 4).attr('y', fs).attr('fill', p.muted).text(`tokens/s (${timeSource})`);
  root.append('line').attr('x1', M.left).attr('x2', W - M.right).attr('y1', area.top + area.height).attr('y2', area.top + area.height).attr('stroke', p.gridLine);
  for (const g of l.groups) {
    root.append('text').attr('x', g.centre).attr('y', H - fs * 1.3 - 4).attr('text-anchor', 'middle').attr('fill', p.text).text(`cap ${g.cap}`);
  }
  root.append('text').attr('x', M.left + area.width / 2).attr('y', H - 4).attr('text-anchor', 'middle').attr('fill', p.muted).text(area.width > fs * 40 ? 'output lengths: exponential, kept under the cap (higher cap = more variance)' : 'higher cap = more variance');
  const bars = root.append('g');
  for (const b of l.bars) {
    bars.append('rect').attr('x', b.x).attr('y', b.y).attr('width', b.width).attr('height', Math.max(0.5, b.height)).attr('fill', armColour(p, b.armIndex)).append('title').text(`cap ${b.cap}, ${ARMS[b.armIndex].label}: ${b.tokensPerSecond.toFixed(1)} tokens/s (${timeSource}), ${b.ratioToStatic.toFixed(2)}x static`);
    // Each ratio over its bar where the bars are wide enough for it, else only the last setup's.
    const labelled = b.armIndex === ARMS.length - 1 || (b.armIndex > 0 && b.width >= fs * 2.4);
    if (labelled) bars.append('text').attr('x', b.x + b.width / 2).attr('y', b.y - 3).attr('text-anchor', 'middle').attr('fill', p.text).text(`${b.ratioToStatic.toFixed(1)}×`);
  }
}
