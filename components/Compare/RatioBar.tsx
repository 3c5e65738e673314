import { useEffect, useRef } from 'react';
import { summarize } from '../../src/run/metrics';
import { useApp } from '../../src/store/store';
import { throttled } from '../shared/throttle';
import { fmtRatio } from '../Metrics/format';

/** Continuous over static, on the measured numbers of the two lanes: the point of compare mode. */
export function RatioBar() {
  const a = useApp((s) => s.logs.a);
  const b = useApp((s) => s.logs.b);
  const tps = useRef<HTMLElement>(null);
  const lat = useRef<HTMLElement>(null);
  const iters = useRef<HTMLElement>(null);
  useEffect(() => {
    const update = () => {
      const sa = summarize(a);
      const sb = summarize(b);
      if (tps.current) tps.current.textContent = fmtRatio(sb.tokensPerSecond, sa.tokensPerSecond);
      if (lat.current) lat.current.textContent = fmtRatio(sa.e2e?.p50 ?? 0, sb.e2e?.p50 ?? 0);
      const done = sa.completed === a.requests.size && sb.completed === b.requests.size && sa.completed > 0;
      if (iters.current) iters.current.textContent = done ? fmtRatio(sa.iterations, sb.iterations) : '…';
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
  }, [a, b]);
  return (
    <div className="ratio" data-testid="compare-ratio" aria-label="Continuous compared with static">
      <span>
        Continuous vs static: throughput <strong ref={tps} data-testid="ratio-throughput">—</strong>
      </span>
      <span title="Static's median end-to-end latency divided by continuous's: how many times faster a typical request completes.">
        p50 latency <strong ref={lat}>—</strong> lower
      </span>
      <span title="Iterations static needed for the whole workload, divided by continuous's.">
        iterations for the workload <strong ref={iters}>…</strong> fewer
      </span>
    </div>
  );
}
