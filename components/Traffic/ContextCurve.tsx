import { useMemo } from 'react';
import { formatBytes } from '../../engine/limits';
import type { BackendInfo } from '../../src/run/types';
import { contextCurve, curveSpan, polyline } from './context-curve';

const W = 300;
const H = 40;
const mb = (b: number) => formatBytes(Math.round(b));

/**
 * One prefill of n tokens, fused against unfused attention, bytes from the shapes of the lane's
 * model in its formats: the line against the parabola. The path the run uses is drawn solid.
 */
export function ContextCurve({ backend, inUse, color }: { backend: BackendInfo | null; inUse: ReadonlySet<'fused' | 'unfused'>; color: { fused: string; unfused: string } }) {
  const config = backend?.config;
  const formats = backend?.formats;
  const simulated = backend?.kind === 'sim';
  const curve = useMemo(() => (config && formats ? contextCurve(config, formats, curveSpan(config, simulated), backend?.trafficOptions) : null), [config, formats, simulated, backend?.trafficOptions]);
  if (!curve) return null;
  const last = curve[curve.length - 1];
  const line = (key: 'fused' | 'unfused') => (
    <polyline
      points={polyline(curve, key, W, H, last.unfused)}
      fill="none"
      stroke={color[key]}
      strokeWidth={inUse.has(key) ? 2 : 1.25}
      strokeDasharray={inUse.has(key) ? undefined : '4 3'}
      vectorEffect="non-scaling-stroke"
    />
  );
  return (
    <div className="traffic-context" data-testid="traffic-context" title="Bytes of one prefill step of n tokens on each attention path, computed from the model's shapes and formats (never measured). Solid: the path this run uses.">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`one prefill of ${last.n} tokens: unfused ${mb(last.unfused)}, fused ${mb(last.fused)}`}>
        {line('fused')}
        {line('unfused')}
      </svg>
      <p className="traffic-line">
        One prefill of n ≤ {last.n.toLocaleString('en-US')} tokens: <span style={{ color: color.unfused }}>unfused</span> {mb(last.unfused)} (∝ n²), <span style={{ color: color.fused }}>fused</span> {mb(last.fused)} (∝ n)
      </p>
    </div>
  );
}
