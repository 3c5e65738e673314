import { useEffect } from 'react';
import { ANYSCALE_DIFFERENCES, gpuPreset, simModelPreset, type AnyscaleRow } from '../../engine';
import { isComputeBound } from '../../src/run/compare';
import { useCommands } from '../../src/run/commands';
import { useApp, useAppStore } from '../../src/store/store';
import { AnyscaleChart } from './AnyscaleChart';
import { ARMS, armKey } from './anyscale-layout';

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/**
 * The Experiments view: Anyscale's continuous-batching benchmark run by this engine, on the
 * simulated GPU at full size (the default, started on first visit) or measured on this device
 * scaled to the model, drawn like Anyscale's chart, every figure labelled, and what differs from
 * their setup said plainly.
 */
export function ExperimentsView() {
  const cmd = useCommands();
  const store = useAppStore();
  const exp = useApp((s) => s.experiment);
  const backend = useApp((s) => s.lanes.a.backend);
  const gpuName = useApp((s) => `${gpuPreset(s.config.gpu).name} (${simModelPreset(s.config.simModel).name} cost model)`);
  useEffect(() => {
    const e = store.getState().experiment;
    // The view is never empty: the simulated experiment takes seconds.
    if (!e.running && !e.setup && e.rows.length === 0) cmd.runExperiment('sim');
  }, [cmd, store]);
  const setup = exp.setup;
  const caps = setup?.plan.caps ?? [32, 128, 512, 1536];
  const timeSource = setup?.timeSource ?? 'simulated';
  const byCell = new Map(exp.rows.map((r) => [`${r.cap}-${armKey(r)}`, r]));
  const total = caps.length * ARMS.length;
  const device = backend?.kind === 'webgpu' ? 'WebGPU' : 'the CPU engine';
  return (
    <section className="experiments" data-testid="experiments" aria-label="Experiments" data-tour="experiments">
      <header className="view-toolbar">
        <h2 className="view-title">Anyscale’s experiment: throughput as output lengths vary</h2>
        <button data-testid="exp-run-sim" disabled={exp.running} onClick={() => cmd.runExperiment('sim')} title="1,000 requests at full size on the simulated GPU chosen under Backend: takes seconds">
          Simulate at full size
        </button>
        <button data-testid="exp-run-device" disabled={exp.running} onClick={() => cmd.runExperiment('device')} title={`Scaled to the model's seq_len and measured on ${device}: takes a minute or more`}>
          Measure on {device}
        </button>
        {exp.running && (
          <button data-testid="exp-stop" onClick={cmd.cancelExperiment}>
            Stop
          </button>
        )}
        <button data-testid="exp-close" onClick={() => store.getState().setUi({ view: 'run' })}>
          Back to the run
        </button>
      </header>
      <p className="fineprint" data-testid="exp-setup">
        {setup ? (
          <>
            {setup.plan.requests.toLocaleString('en')} requests of {setup.plan.promptTokens} prompt tokens at once, output lengths exponential (mean {setup.plan.meanOutput}) kept
            under each cap, max_tokens forced; served by <strong>{setup.description}</strong>
            {setup.plan.scale < 1 ? `, Anyscale's setup scaled by ${setup.plan.scale} to the model's context` : ", Anyscale's full size"}.{' '}
            <span className="badge" data-testid="exp-provenance">
              {setup.timeSource === 'simulated' ? 'simulated (cost model)' : 'measured here'}
            </span>
          </>
        ) : (
          'Starting…'
        )}
      </p>
      <p className="fineprint" data-testid="exp-status" aria-live="polite">
        {exp.running ? `Serving: ${exp.rows.length} of ${total} runs done.` : exp.error ? exp.error : exp.rows.length === total ? `All ${total} runs done.` : ''}
      </p>
      <div className="experiments-body">
        <AnyscaleChart rows={exp.rows} caps={caps} timeSource={timeSource} />
        <div className="experiments-side">
          <ResultsTable caps={caps} byCell={byCell} timeSource={timeSource} />
          {setup?.timeSource === 'measured' && isComputeBound(backend) && (
            <p className="fineprint device-note" data-testid="exp-device-note">
              Measured on a compute-bound device: each token in a step costs its own arithmetic, so static batching’s idle slots cost little time and the ratios stay near 1x. “GPU” is what the
              cost model predicts for the very same schedules on an {gpuName}, which reads its weights once per step whatever the batch.
            </p>
          )}
          <h3>What differs from Anyscale’s setup</h3>
          <ul className="differences" data-testid="exp-differences">
            {ANYSCALE_DIFFERENCES.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
          <p className="fineprint">
            Anyscale measured up to 8x over naive static batching with continuous batching, and 23x with vLLM, on one A100 with OPT-13B. Why the ratio depends on the device:{' '}
            <button className="link" data-testid="exp-to-sweep" onClick={() => store.getState().setUi({ view: 'run', suggestedTopic: 'bound' })}>
              the step-time sweep
            </button>
            .
          </p>
        </div>
      </div>
    </section>
  );
}

function ResultsTable({ caps, byCell, timeSource }: { caps: readonly number[]; byCell: Map<string, AnyscaleRow>; timeSource: string }) {
  return (
    <table className="results" data-testid="anyscale-table">
      <caption>tokens/s ({timeSource}) and ratio to static at each cap</caption>
      <thead>
        <tr>
          <th scope="col">cap</th>
          {ARMS.map((a) => (
            <th key={a.key} scope="col">
              {a.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {caps.map((cap) => (
          <tr key={cap}>
            <th scope="row">{cap}</th>
            {ARMS.map((a) => {
              const r = byCell.get(`${cap}-${a.key}`);
              return (
                <td key={a.key} data-testid={`exp-${cap}-${a.key}`} data-tps={r?.tokensPerSecond} data-ratio={r?.ratioToStatic}>
                  {r ? `${fmt(r.tokensPerSecond)}${a.key === 'static-contiguous' ? '' : ` · ${r.ratioToStatic.toFixed(2)}×`}` : '…'}
                  {r?.predictedRatioToStatic !== undefined && a.key !== 'static-contiguous' && <small className="predicted"> GPU: {r.predictedRatioToStatic.toFixed(2)}×</small>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
