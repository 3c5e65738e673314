import { BatchGrid } from '../BatchGrid/BatchGrid';
import { KvMap } from '../KvMap/KvMap';
import { LiveNumbers } from '../Metrics/LiveNumbers';
import { useApp } from '../../src/store/store';
import { RatioBar } from './RatioBar';

const title = (strategy: string) => `${strategy === 'static' ? 'Static' : 'Continuous'} batching`;

/** Static (top) and continuous (bottom) on the identical workload, each with its own views. */
export function CompareView() {
  // Lanes a and b run static and continuous; an imported pair of runs says for itself.
  const a = useApp((s) => s.lanes.a.strategy);
  const b = useApp((s) => s.lanes.b.strategy);
  return (
    <div className="compare-lanes" data-testid="compare-view">
      <div className="lane-row">
        <BatchGrid lane="a" title={title(a)} compact />
        <KvMap lane="a" compact />
        <LiveNumbers lane="a" compact />
      </div>
      <div className="lane-row">
        <BatchGrid lane="b" title={title(b)} compact />
        <KvMap lane="b" compact />
        <LiveNumbers lane="b" compact />
      </div>
      <RatioBar />
    </div>
  );
}
