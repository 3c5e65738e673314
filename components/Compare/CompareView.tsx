import { BatchGrid } from '../BatchGrid/BatchGrid';
import { GridLegend } from '../BatchGrid/GridLegend';
import { KvLegend } from '../KvMap/KvLegend';
import { KvMap } from '../KvMap/KvMap';
import { LiveNumbers } from '../Metrics/LiveNumbers';
import { useApp } from '../../src/store/store';
import { RatioBar } from './RatioBar';

const title = (strategy: string, label: string | null) => label ?? `${strategy === 'static' ? 'Static' : 'Continuous'} batching`;

/**
 * Two runs of the identical workload, differing in one setting (top: the baseline), each with its
 * own views. The two lanes share one key per view, under them, so their grids get the height.
 */
export function CompareView() {
  // The lanes say what they run; an imported pair of runs says its strategies.
  const a = useApp((s) => title(s.lanes.a.strategy, s.lanes.a.source === 'replay' ? null : s.lanes.a.label));
  const b = useApp((s) => title(s.lanes.b.strategy, s.lanes.b.source === 'replay' ? null : s.lanes.b.label));
  return (
    <div className="compare-lanes" data-testid="compare-view">
      <div className="lane-row">
        <BatchGrid lane="a" title={a} compact legend={false} />
        <KvMap lane="a" compact legend={false} />
        <LiveNumbers lane="a" compact />
      </div>
      <div className="lane-row">
        <BatchGrid lane="b" title={b} compact legend={false} />
        <KvMap lane="b" compact legend={false} />
        <LiveNumbers lane="b" compact />
      </div>
      <div className="compare-keys">
        <GridLegend lane="a" compact />
        <KvLegend compact />
      </div>
      <RatioBar />
    </div>
  );
}
