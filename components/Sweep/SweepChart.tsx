import { axisBottom, axisLeft, line, max, scaleLinear, scaleLog, select } from 'd3';
import { useEffect, useRef } from 'react';
import { useCommands } from '../../src/run/commands';
import { useApp } from '../../src/store/store';
import { palettes, type Palette } from '../../src/theme/palette';
import { throttled } from '../shared/throttle';
import { useLatest } from '../shared/frames';
import { svgSize, useRedrawOnResize } from '../Charts/svg-size';
import { powerOfTwoTicks, valueTick } from '../Charts/ticks';
import { Legend } from '../shared/Legend';
import type { IterationEvent } from '../../engine/serve/events';
import { findKnee, type SweepPoint } from './knee';

const M = { top: 6, right: 10, bottom: 20, left: 46 };

/**
 * Step time against tokens per step: faint dots from the running workload, and, after a sweep,
 * the measured curve with its knee, where batching stops being nearly free on this device.
 */
export function SweepChart() {
  const cmd = useCommands();
  const sweep = useApp((s) => s.sweep);
  const log = useApp((s) => s.logs.a);
  const theme = useApp((s) => s.theme);
  const svg = useRef<SVGSVGElement>(null);
  const p = palettes[theme];
  const knee = findKnee(sweep.points);
  const drawRef = useLatest(() => svg.current && renderSweep(svg.current, sweep.points, log.events, p));
  useRedrawOnResize(svg, drawRef);
  useEffect(() => {
    const draw = () => drawRef.current();
    const t = throttled(draw, 500);
    draw();
    const un = log.subscribe(t.request);
    return () => {
      un();
      t.cancel();
    };
  }, [sweep.points, log, p, drawRef]);
  // The sweep says for itself whether it ran on the simulator; the run on screen may be another.
  const simulated = sweep.simulated ?? false;
  return (
    <figure className="chart sweep" data-testid="sweep" data-tour="sweep">
      <figcaption>
        Step time vs batch{' '}
        <button onClick={cmd.runSweep} disabled={sweep.running} data-testid="run-sweep" title="Time one decode step at batch sizes 1, 2, 4, ... on this device">
          {sweep.running ? 'measuring…' : sweep.points.length ? 'again' : 'measure'}
        </button>
      </figcaption>
      <svg ref={svg} role="img" aria-label="Step time in milliseconds against tokens per step" />
      <p className="fineprint" data-testid="sweep-result">
        {sweep.error
          ? sweep.error
          : sweep.points.length
            ? `${simulated ? 'Simulated (cost model) for' : 'Measured on'} ${sweep.adapter ?? 'this device'}: ${kneeText(knee, sweep.points)}.`
            : 'Dots: this run’s steps (tokens, ms). Measure to find the knee.'}
      </p>
      <Legend
        label="Sweep legend"
        items={[
          { label: 'run steps', style: { background: p.muted, borderRadius: '50%' } },
          { label: 'sweep', style: { background: p.series[0] } },
          { label: 'knee', style: { background: p.end } },
        ]}
      />
    </figure>
  );
}

function kneeText(knee: ReturnType<typeof findKnee>, points: readonly SweepPoint[]): string {
  const sizes = points.map((q) => q.batch);
  if (!knee) return `flat up to ${Math.max(...sizes)} tokens per step: batching stayed nearly free`;
  if (knee.batch === Math.min(...sizes)) return 'step time grows from the first tokens, so batching is not free here';
  return `flat up to ~${knee.batch} tokens per step, then rising`;
}

function renderSweep(el: SVGSVGElement, points: readonly SweepPoint[], events: readonly IterationEvent[], p: Palette): void {
  const { width: W, height: H } = svgSize(el);
  const dots = events.slice(-400).map((e) => ({ batch: Math.max(1, e.prefillTokens + e.decodeTokens), ms: e.backendMs }));
  const xMax = Math.max(2, max(points, (q) => q.batch) ?? 1, max(dots, (d) => d.batch) ?? 1);
  const yMax = Math.max(max(points, (q) => q.stepMs) ?? 0, max(dots, (d) => d.ms) ?? 0, 0.1);
  const x = scaleLog().base(2).domain([1, xMax]).range([M.left, W - M.right]);
  const y = scaleLinear().domain([0, yMax]).nice().range([H - M.bottom, M.top]);
  const root = select(el);
  root.selectAll('*').remove();
  root.append('g').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).tickValues(powerOfTwoTicks(xMax, W - M.left - M.right)).tickFormat(valueTick()).tickSizeOuter(0));
  root.append('g').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(4).tickFormat(valueTick(' ms')).tickSizeOuter(0));
  root.selectAll('.domain, .tick line').attr('stroke', p.gridLine);
  root.selectAll('.tick text').attr('fill', p.muted);
  root
    .append('g')
    .selectAll('circle')
    .data(dots)
    .join('circle')
    .attr('cx', (d) => x(d.batch))
    .attr('cy', (d) => y(d.ms))
    .attr('r', 1.6)
    .attr('fill', p.muted)
    .attr('opacity', 0.45);
  if (points.length === 0) return;
  const sorted = [...points].sort((a, b) => a.batch - b.batch);
  root
    .append('path')
    .attr('class', 'sweep-line')
    .attr('d', line<SweepPoint>().x((q) => x(q.batch)).y((q) => y(q.stepMs))(sorted))
    .attr('fill', 'none')
    .attr('stroke', p.series[0])
    .attr('stroke-width', 2);
  const knee = findKnee(sorted);
  if (knee) {
    root.append('line').attr('x1', x(knee.batch)).attr('x2', x(knee.batch)).attr('y1', M.top).attr('y2', H - M.bottom).attr('stroke', p.end).attr('stroke-dasharray', '3 2');
  }
}
