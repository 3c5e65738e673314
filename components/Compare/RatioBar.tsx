import { useEffect, useRef } from 'react';
import { summarize } from '../../src/run/metrics';
import { useApp } from '../../src/store/store';
import { throttled } from '../shared/throttle';
import { fmtRatio } from '../Metrics/format';

/** Latency and iteration counts compare whole workloads only. */
const PENDING = 'once both finish';

/**
 * Continuous over static, on the measured numbers of the two lanes: the point of compare mode.
 * Throughput is compared as it goes; latency and iteration counts only once both lanes have
 * served the whole workload (mid-run, only the short requests have finished, which flatters static).
 */
export function RatioBar() {
  const a = useApp((s) => s.logs.a);
  const b = useApp((s) => s.logs.b);
  const failed = useApp((s) => s.lanes.a.phase === 'error' || s.lanes.b.phase === 'error');
  const tps = useRef<HTMLElement>(null);
  const lat = useRef<HTMLElement>(null);
  const iters = useRef<HTMLElement>(null);
  const source = useRef<HTMLElement>(null);
  useEffect(() => {
    const update = () => {
      const sa = summarize(a);
      const sb = summarize(b);
      if (tps.current) tps.current.textContent = failed ? '—' : fmtRatio(sb.tokensPerSecond, sa.tokensPerSecond);
      const done = !failed && sa.completed > 0 && sa.completed === a.requests.size && sb.completed === b.requests.size;
      const latency = (x: number, y: number) => (x >= y ? `${fmtRatio(x, y)} lower` : `${fmtRatio(y, x)} higher`);
      if (lat.current) {
        lat.current.textContent = done && sa.e2e && sb.e2e ? latency(sa.e2e.p50.ms, sb.e2e.p50.ms) : PENDING;
        lat.current.classList.toggle('pending', !done);
      }
      if (iters.current) {
        iters.current.textContent = done ? `${fmtRatio(sa.iterations, sb.iterations)} fewer` : PENDING;
        iters.current.classList.toggle('pending', !done);
      }
      if (source.current) source.current.textContent = sa.iterations === 0 ? '' : sa.timeSource === 'simulated' || sb.timeSource === 'simulated' ? 'simulated' : 'measured';
    };
    const t = throttled(update, 250);
    update();
    const ua = a.subscribe(t.request);
    const ub = b.subscribe(t.request);
    return () => {
      ua();
      ub();
      t.cancel();
    };
  }, [a, b, failed]);
  return (
    <div className="ratio" data-testid="compare-ratio" aria-label="Continuous compared with static">
      <span title="Continuous's generated tokens per second divided by static's, each on its own busy-time clock (measured, or simulated on the sim backend).">
        Continuous vs static: throughput <strong ref={tps} data-testid="ratio-throughput">—</strong>
      </span>
      <span title="Median end-to-end request latency, static's against continuous's, once both have served every request.">
        p50 latency <strong ref={lat} className="pending" data-testid="ratio-latency">{PENDING}</strong>
      </span>
      <span title="Iterations static needed for the whole workload, divided by continuous's.">
        iterations <strong ref={iters} className="pending" data-testid="ratio-iterations">{PENDING}</strong>
      </span>
      <span className="badge" ref={source} />
    </div>
  );
}
