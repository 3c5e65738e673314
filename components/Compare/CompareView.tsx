import { BatchGrid } from '../BatchGrid/BatchGrid';
import { GridLegend } from '../BatchGrid/GridLegend';
import { KvLegend } from '../KvMap/KvLegend';
import { KvMap } from '../KvMap/KvMap';
import { LiveNumbers } from '../Metrics/LiveNumbers';
import { useApp } from '../../src/store/store';
import { RatioBar } from './RatioBar';

const title = (strategy: string) => `${strategy === 'static' ? 'Static' : 'Continuous'} batching`;

/**
 * Static (top) and continuous (bottom) on the identical workload, each with its own views. The
 * two lanes share one key per view, under them, so their grids get the height.
 */
export function CompareView() {
  // Lanes a and b run static and continuous; an imported pair of runs says for itself.
  const a = useApp((s) => s.lanes.a.strategy);
  const b = useApp((s) => s.lanes.b.strategy);
  return (
    <div className="compare-lanes" data-testid="compare-view">
      <div className="lane-row">
        <BatchGrid lane="a" title={title(a)} compact legend={false} />
        <KvMap lane="a" compact legend={false} />
        <LiveNumbers lane="a" compact />
      </div>
      <div className="lane-row">
        <BatchGrid lane="b" title={title(b)} compact legend={false} />
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
