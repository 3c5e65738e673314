import { axisBottom, axisLeft, axisRight, line, max, scaleLinear, scaleLog, select } from 'd3';
import { useEffect, useMemo, useRef } from 'react';
import { KNEE_RULE, gpuPreset, proposeTokenBudget, simModelPreset, simSweep, type SweepPoint } from '../../engine';
import { useCommands } from '../../src/run/commands';
import { useApp, useAppStore } from '../../src/store/store';
import { palettes, type Palette } from '../../src/theme/palette';
import type { MeasuredSweep } from '../../src/worker/sweep';
import { throttled } from '../shared/throttle';
import { useLatest } from '../shared/frames';
import { chartMargins, svgSize, useRedrawOnResize, yTickCount } from '../Charts/svg-size';
import { powerOfTwoTicks, valueTick } from '../Charts/ticks';
import { Legend } from '../shared/Legend';
import type { IterationEvent } from '../../engine/serve/events';
import { computeBoundNote, largestMeasured, sweepResultText } from './describe';

/**
 * Step time against tokens per step: faint dots from the running workload, and, after a sweep,
 * the curve with its knee (where batching stops being nearly free) marked by the stated rule.
 * On a device with no flat region it says why, in the sweep's own figures.
 */
export function SweepChart() {
  const cmd = useCommands();
  const store = useAppStore();
  const sweep = useApp((s) => s.sweep);
  const log = useApp((s) => s.logs.a);
  const theme = useApp((s) => s.theme);
  const gpuId = useApp((s) => s.config.gpu);
  const simModel = useApp((s) => s.config.simModel);
  const maxNumSeqs = useApp((s) => s.config.maxNumSeqs);
  const svg = useRef<SVGSVGElement>(null);
  const p = palettes[theme];
  const m = sweep.measured;
  const gpu = useMemo(() => {
    const g = gpuPreset(gpuId);
    return { name: `${simModelPreset(simModel).name} on ${g.id}`, knee: simSweep(g, simModelPreset(simModel)) };
  }, [gpuId, simModel]);
  const drawRef = useLatest(() => svg.current && renderSweep(svg.current, m, log.events, p));
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
  }, [m, log, p, drawRef]);
  const note = m ? computeBoundNote(m, gpu) : null;
  const proposal = m ? proposeTokenBudget(m.result, maxNumSeqs, largestMeasured(m.result.points)) : null;
  return (
    <figure className="chart sweep" data-testid="sweep" data-tour="sweep">
      <figcaption>
        Step time vs tokens per step{' '}
        <button onClick={cmd.runSweep} disabled={sweep.running} data-testid="run-sweep" title="Time one decode step at 1, 2, 3, 4, 6, 8, ... tokens per step on this engine">
          {sweep.running ? 'measuring…' : m ? 'again' : 'measure'}
        </button>
      </figcaption>
      <svg ref={svg} role="img" aria-label="Step time in milliseconds against tokens per step" />
      <p className="fineprint" data-testid="sweep-result" data-verdict={m?.result.verdict} data-knee={m?.result.knee ?? undefined} title={`Knee rule: ${KNEE_RULE}.`}>
        {sweep.error ?? (m ? sweepResultText(m) + bytesText(m.result.points, m.result.timeSource) : 'Dots: this run’s steps (tokens, ms). Measure to find the knee.')}
      </p>
      {note && (
        <p className="fineprint bound-note" data-testid="sweep-bound-note">
          {note}
        </p>
      )}
      {proposal && (
        <p className="fineprint">
          <button className="link" data-testid="use-budget" title={proposal.why} onClick={() => store.getState().setConfig({ chunkedPrefill: true, maxNumBatchedTokens: proposal.budget })}>
            chunked prefill, budget {proposal.budget}
          </button>{' '}
          fits this curve.
        </p>
      )}
      <Legend
        label="Sweep legend"
        items={[
          { label: 'run steps', style: { background: p.muted, borderRadius: '50%' } },
          { label: m?.result.timeSource === 'simulated' ? 'sweep (simulated)' : 'sweep (measured)', style: { background: p.series[0] } },
          { label: 'knee', style: { background: p.end }, hint: KNEE_RULE },
          ...(m?.result.points.some((q) => q.weightBytes !== undefined) ? [{ label: 'weights read per step (right axis)', style: { background: p.series[2] } }] : []),
        ]}
      />
    </figure>
  );
}

const MiB = 2 ** 20;
const fmtBytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / MiB).toFixed(2)} MiB`);

/** Weights read per step at the smallest and largest size: growing for a mixture of experts (more experts woken), flat for a dense model. */
function bytesText(points: readonly SweepPoint[], source: 'measured' | 'simulated'): string {
  const b = points.filter((q) => q.weightBytes !== undefined).sort((x, y) => x.tokens - y.tokens);
  if (b.length < 2) return '';
  const [lo, hi] = [b[0], b[b.length - 1]];
  const grew = hi.weightBytes! > lo.weightBytes! * 1.05;
  return ` Weights read per step${source === 'simulated' ? ' (cost model)' : ''}: ${fmtBytes(lo.weightBytes!)} at ${lo.tokens} token${lo.tokens > 1 ? 's' : ''}, ${fmtBytes(hi.weightBytes!)} at ${hi.tokens}${grew ? ': each extra token may wake another expert.' : ', the same at every size.'}`;
}

function renderSweep(el: SVGSVGElement, m: MeasuredSweep | null, events: readonly IterationEvent[], p: Palette): void {
  const { width: W, height: H } = svgSize(el);
  const M = chartMargins(el, 6);
  const points = m?.result.points ?? [];
  const dots = events.slice(-400).map((e) => ({ tokens: Math.max(1, e.prefillTokens + e.decodeTokens), ms: e.backendMs }));
  const xMax = Math.max(2, max(points, (q) => q.tokens) ?? 1, max(dots, (d) => d.tokens) ?? 1);
  // After a sweep its curve sets the scale: one slow step of the run on screen must not flatten it.
  const yMax = points.length ? 1.1 * (max(points, (q) => q.stepMs) ?? 0) : Math.max(max(dots, (d) => d.ms) ?? 0, 0.1);
  const bytes = points.filter((q) => q.weightBytes !== undefined).sort((a, b) => a.tokens - b.tokens);
  const right = bytes.length ? 44 : M.right;
  const x = scaleLog().base(2).domain([1, xMax]).range([M.left, W - right]);
  const y = scaleLinear().domain([0, yMax]).nice().range([H - M.bottom, M.top]);
  const root = select(el);
  root.selectAll('*').remove();
  root.append('g').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).tickValues(powerOfTwoTicks(xMax, W - M.left - M.right)).tickFormat(valueTick()).tickSizeOuter(0));
  root.append('g').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(yTickCount(H - M.top - M.bottom, M.fontPx)).tickFormat(valueTick(' ms')).tickSizeOuter(0));
  root.selectAll('.domain, .tick line').attr('stroke', p.gridLine);
  root.selectAll('.tick text').attr('fill', p.muted);
  root
    .append('g')
    .selectAll('circle')
    .data(dots.filter((d) => d.ms <= yMax))
    .join('circle')
    .attr('cx', (d) => x(d.tokens))
    .attr('cy', (d) => y(d.ms))
    .attr('r', 1.6)
    .attr('fill', p.muted)
    .attr('opacity', 0.45);
  if (!m || points.length === 0) return;
  const sorted = [...points].sort((a, b) => a.tokens - b.tokens);
  root
    .append('path')
    .attr('class', 'sweep-line')
    .attr('d', line<SweepPoint>().x((q) => x(q.tokens)).y((q) => y(q.stepMs))(sorted))
    .attr('fill', 'none')
    .attr('stroke', p.series[0])
    .attr('stroke-width', 2);
  if (bytes.length) {
    const top = max(bytes, (q) => q.weightBytes!) ?? 1;
    const unit = top >= 2 ** 30 ? 2 ** 30 : MiB;
    const yb = scaleLinear().domain([0, top / unit]).nice().range([H - M.bottom, M.top]);
    root
      .append('g')
      .attr('transform', `translate(${W - right},0)`)
      .call(axisRight(yb).ticks(3).tickFormat(valueTick(unit === MiB ? ' MiB' : ' GiB')).tickSizeOuter(0))
      .selectAll('text')
      .attr('fill', p.series[2]);
    root
      .append('path')
      .attr('class', 'sweep-bytes')
      .attr('d', line<SweepPoint>().x((q) => x(q.tokens)).y((q) => yb(q.weightBytes! / unit))(bytes))
      .attr('fill', 'none')
      .attr('stroke', p.series[2])
      .attr('stroke-dasharray', '4 2')
      .attr('stroke-width', 1.5);
  }
  const r = m.result;
  // The flat level the rule measures against, as a faint guide.
  root.append('line').attr('x1', M.left).attr('x2', W - right).attr('y1', y(r.flatMs)).attr('y2', y(r.flatMs)).attr('stroke', p.muted).attr('stroke-dasharray', '2 3').attr('opacity', 0.6);
  if (r.verdict === 'knee' && r.knee !== null && r.knee <= xMax) {
    const kx = x(Math.max(1, r.knee));
    root.append('line').attr('class', 'knee').attr('x1', kx).attr('x2', kx).attr('y1', M.top).attr('y2', H - M.bottom).attr('stroke', p.end).attr('stroke-dasharray', '3 2');
    root
      .append('text')
      .attr('x', kx + (kx > W / 2 ? -4 : 4))
      .attr('y', M.top + M.fontPx)
      .attr('text-anchor', kx > W / 2 ? 'end' : 'start')
      .attr('fill', p.end)
      .text(`knee ≈ ${r.knee}`);
  }
}
