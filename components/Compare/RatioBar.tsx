import { useEffect, useRef, useState } from 'react';
import { gpuPreset, scheduleOnGpu, simModelPreset } from '../../engine';
import { COMPARE_AXES, axisAvailable, isComputeBound, type CompareAxis } from '../../src/run/compare';
import { summarize } from '../../src/run/metrics';
import type { RunLog } from '../../src/run/run-log';
import { useApp, useAppStore } from '../../src/store/store';
import { throttled } from '../shared/throttle';
import { fmtRatio } from '../Metrics/format';
import { ratioCells, type RatioCell } from './ratio-rows';

/** What differs between the two runs: chosen here, where the ratio names it. */
function CompareBy() {
  const store = useAppStore();
  const axis = useApp((s) => s.compareBy);
  const config = useApp((s) => s.config);
  return (
    <select data-testid="compare-by" data-tour="compare-by" aria-label="Compare by" value={axis} onChange={(e) => store.getState().setUi({ compareBy: e.target.value as CompareAxis, suggestedTopic: 'compare' })} title="What differs between the two runs; everything else is identical">
      {COMPARE_AXES.filter((a) => axisAvailable(a.axis, config)).map((a) => (
        <option key={a.axis} value={a.axis}>
          by {a.label}
        </option>
      ))}
    </select>
  );
}

const figures = (log: RunLog) => ({ summary: summarize(log), total: log.requests.size, slots: log.lastEvent?.slots.length ?? 0 });

/**
 * The second run against the first, named by what differs between them: the point of compare
 * mode. On a compute-bound device the measured throughput ratio gets, beside it, what the cost
 * model predicts for the same schedule on a GPU, and one sentence on why they differ.
 */
export function RatioBar() {
  const store = useAppStore();
  const a = useApp((s) => s.logs.a);
  const b = useApp((s) => s.logs.b);
  const failed = useApp((s) => s.lanes.a.phase === 'error' || s.lanes.b.phase === 'error');
  const axis = useApp((s) => s.compareBy);
  const labelA = useApp((s) => s.lanes.a.label);
  const labelB = useApp((s) => s.lanes.b.label);
  const replayed = useApp((s) => s.lanes.a.source === 'replay');
  const backend = useApp((s) => s.lanes.a.backend);
  const gpuId = useApp((s) => s.config.gpu);
  const simModel = useApp((s) => s.config.simModel);
  const [cells, setCells] = useState<RatioCell[]>([]);
  const [predicted, setPredicted] = useState<{ measured: string; gpu: string } | null>(null);
  const source = useRef<HTMLElement>(null);
  // An imported pair of runs is static against continuous, whatever the page compares.
  const shownAxis = replayed ? 'strategy' : axis;
  // The note is about batching's busy slots; chunked prefill changes step sizes instead (its budget is fitted to this device).
  // Nor does it fit a comparison of two models: the cost model's one model would give the two lanes the same time (1.00x).
  const computeBound = !replayed && isComputeBound(backend) && shownAxis !== 'chunkedPrefill' && shownAxis !== 'model';
  useEffect(() => {
    const gpu = gpuPreset(gpuId);
    const model = simModelPreset(simModel);
    const update = () => {
      const fa = figures(a);
      const fb = figures(b);
      // After an engine error no figure of an earlier run may pass for the failed one.
      setCells(failed ? ratioCells(shownAxis, fa, fb).map((c) => ({ ...c, text: '—', pending: false, a: undefined, b: undefined })) : ratioCells(shownAxis, fa, fb));
      if (!failed && computeBound && fa.summary.iterations > 0 && fb.summary.iterations > 0) {
        const pa = scheduleOnGpu(a.events, gpu, model);
        const pb = scheduleOnGpu(b.events, gpu, model);
        setPredicted({ measured: fmtRatio(fb.summary.tokensPerSecond, fa.summary.tokensPerSecond), gpu: fmtRatio(pb.tokensPerSecond, pa.tokensPerSecond) });
      } else setPredicted(null);
      if (source.current) source.current.textContent = fa.summary.iterations === 0 ? '' : fa.summary.timeSource === 'simulated' || fb.summary.timeSource === 'simulated' ? 'simulated' : 'measured';
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
  }, [a, b, shownAxis, computeBound, gpuId, simModel, failed]);
  const title = replayed || !labelA || !labelB ? 'Continuous vs static' : `${labelB} vs ${labelA}`;
  const gpuName = `${gpuPreset(gpuId).name} (${simModelPreset(simModel).name}, cost model)`;
  return (
    <div className="ratio-wrap" data-testid="compare-ratio" data-axis={shownAxis}>
      <div className="ratio" aria-label={title}>
        {!replayed && <CompareBy />}
        <span className="ratio-title" data-testid="ratio-title">
          {title}:
        </span>
        {cells.map((c) => (
          <span key={c.key} title={c.hint}>
            {c.label} <strong className={c.pending ? 'pending' : undefined} data-testid={`ratio-${c.key}`} data-a={c.a} data-b={c.b}>{c.text}</strong>
          </span>
        ))}
        <span className="badge" ref={source} />
      </div>
      {predicted && (
        <p className="fineprint device-note" data-testid="device-ratio-note">
          Throughput measured here: <strong>{predicted.measured}</strong>; this schedule on an {gpuName}: <strong data-testid="device-ratio-gpu">{predicted.gpu}</strong>. This device is compute-bound:
          every token in a step costs its own arithmetic, so idle slots cost little time and filling them buys little, while a GPU reads all its weights once per step whatever the batch.{' '}
          <button className="link" onClick={() => store.getState().setUi({ topic: 'device-ratio' })} data-testid="device-ratio-why">
            Why
          </button>{' '}
          ·{' '}
          <button className="link" data-testid="device-ratio-sweep" onClick={() => {
            store.getState().setUi({ topic: 'bound' });
            document.querySelector('[data-tour=sweep]')?.scrollIntoView?.({ block: 'nearest' });
          }}>
            the step-time sweep
          </button>
        </p>
      )}
    </div>
  );
}
