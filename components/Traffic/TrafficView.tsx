import { useEffect, useState } from 'react';
import { TRAFFIC_CATEGORIES, type TrafficCategory } from '../../engine/backend/traffic';
import { formatBytes } from '../../engine/limits';
import { palettes, type Palette } from '../../src/theme/palette';
import type { LaneId } from '../../src/store/slices';
import { useApp } from '../../src/store/store';
import { Legend } from '../shared/Legend';
import { throttled } from '../shared/throttle';
import { ContextCurve } from './ContextCurve';
import { barSegments, CATEGORY_LABELS, summarizeTraffic, type TrafficSummary } from './summary';

const HINTS: Record<TrafficCategory, string> = {
  weights: 'Every matmul weight, read once per step however many tokens share it (plus the embedding rows gathered).',
  kvRead: "Each sequence's cached keys and values that attention reads: grows with the context.",
  kvWrite: 'The new tokens’ keys and values stored in the KV cache.',
  activations: 'Per-token vectors passed between kernels (residual stream, q, hidden states, logits).',
  scores: 'The attention score matrix, written to memory and read back (unfused path only).',
};

export const trafficColor = (p: Palette, c: TrafficCategory): string =>
  ({ weights: p.series[0], kvRead: p.kvUsed, kvWrite: p.series[1], activations: p.series[3], scores: p.series[4] })[c];

const kb = (b: number) => formatBytes(Math.round(b));

/**
 * Bytes moved per step, by kind, for the latest iteration and the run so far, beside the step's
 * time: computed from the model's shapes and number formats (never measured), and what each
 * technique saves on that step. Updated at most four times a second from the run logs.
 */
export function TrafficView({ lanes }: { lanes: LaneId[] }) {
  const logs = useApp((s) => s.logs);
  const laneStates = useApp((s) => s.lanes);
  const backends = lanes.map((l) => laneStates[l].backend);
  const labels = lanes.map((l) => laneStates[l].label ?? laneStates[l].strategy);
  const theme = useApp((s) => s.theme);
  const palette = palettes[theme];
  const [sums, setSums] = useState<TrafficSummary[]>(() => lanes.map((l, i) => summarizeTraffic(logs[l].events, backends[i]?.config, backends[i]?.trafficOptions)));
  const key = lanes.join(',');
  const configs = backends.map((b) => b?.config);
  useEffect(() => {
    const update = () => setSums(lanes.map((l, i) => summarizeTraffic(logs[l].events, configs[i], backends[i]?.trafficOptions)));
    const t = throttled(update, 250);
    update();
    const offs = lanes.map((l) => logs[l].subscribe(t.request));
    return () => {
      offs.forEach((off) => off());
      t.cancel();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, logs, configs[0], configs[1]]);
  const scale = Math.max(1, ...sums.map((s) => s.latest?.total ?? 0));
  const W = 300;
  return (
    // tabIndex: the panel scrolls when the row is short, and a keyboard must reach its lower half (before the first step it holds nothing focusable).
    <figure className="chart traffic" aria-label="Memory traffic per step" data-tour="traffic" tabIndex={0}>
      <figcaption>
        Memory traffic <span className="badge" data-testid="traffic-badge" title="Bytes are computed from the model's shapes and number formats (every tensor each kernel touches, once), never measured; a mixture of experts counts the experts each step's routing woke (expected under even routing on the sim). The step time beside them is measured (or simulated on the sim).">computed bytes</span>
      </figcaption>
      <Legend
        label="Kinds of bytes"
        items={TRAFFIC_CATEGORIES.map((c) => ({ label: CATEGORY_LABELS[c], style: { background: trafficColor(palette, c) }, hint: HINTS[c] }))}
      />
      {sums.map((s, i) => (
        <div key={lanes[i]} className="traffic-lane" data-testid={`traffic-${lanes[i]}`}>
          {lanes.length > 1 && <div className="traffic-lane-label">{labels[i]}</div>}
          <svg viewBox={`0 0 ${W} 12`} preserveAspectRatio="none" role="img" aria-label={s.latest ? `step ${s.latest.index}: ${kb(s.latest.total)}` : 'no step yet'}>
            {s.latest &&
              barSegments(s.latest.bytes, W, scale).map((seg) => (
                <rect key={seg.category} x={seg.x} y={0} width={Math.max(0.5, seg.width)} height={12} fill={trafficColor(palette, seg.category)}>
                  <title>{`${CATEGORY_LABELS[seg.category]}: ${kb(seg.bytes)}`}</title>
                </rect>
              ))}
          </svg>
          <p className="traffic-line" data-testid={`traffic-step-${lanes[i]}`}>{stepLine(s)}</p>
          {s.run.tokens > 0 && <p className="traffic-line" data-testid={`traffic-per-token-${lanes[i]}`}>per token: {kb(s.latest!.total / Math.max(1, s.latest!.tokens))} this step · {kb(s.run.total / s.run.tokens)} over the run</p>}
          {s.techniques.length > 0 && (
            <p className="traffic-line fineprint" data-testid={`traffic-techniques-${lanes[i]}`} title="Bytes of this step each technique removes (on), or would remove (off), against f32 weights and KV (fp16 on the sim) and against unfused attention">
              {techniqueLine(s)}
            </p>
          )}
          {s.kernels.length > 0 && (
            <details className="traffic-kernels">
              <summary>per kernel</summary>
              <table data-testid={`traffic-kernels-${lanes[i]}`}>
                <thead>
                  <tr>
                    <th>kernel (all layers)</th>
                    <th>read</th>
                    <th>written</th>
                  </tr>
                </thead>
                <tbody>
                  {s.kernels.map((k) => (
                    <tr key={k.kernel}>
                      <td>{k.kernel}</td>
                      <td>{kb(k.read)}</td>
                      <td>{kb(k.written)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </div>
      ))}
      <ContextCurve backend={backends[0] ?? null} inUse={new Set(backends.map((b) => b?.formats?.attention ?? 'fused'))} color={{ fused: palette.text, unfused: trafficColor(palette, 'scores') }} />
    </figure>
  );
}

/** "saved: int8 weights −2.3 MiB · off: int8 KV cache −297.6 KiB, fused attention −99.5 KiB". */
function techniqueLine(s: TrafficSummary): string {
  const list = (on: boolean) => s.techniques.filter((t) => t.on === on).map((t) => `${t.label} −${kb(t.saves)}`).join(', ');
  return [list(true) && `saved: ${list(true)}`, list(false) && `off (would save): ${list(false)}`].filter(Boolean).join(' · ');
}

function stepLine(s: TrafficSummary): string {
  const l = s.latest;
  if (!l) return 'No step yet (or a recording made before bytes were counted).';
  const time = l.timeSource === 'simulated' ? 'simulated' : 'measured';
  return `step ${l.index} · ${l.tokens} token${l.tokens === 1 ? '' : 's'} · ${kb(l.total)} in ${l.stepMs.toFixed(2)} ms (${time})`;
}
