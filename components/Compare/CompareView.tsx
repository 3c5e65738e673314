import { BatchGrid } from '../BatchGrid/BatchGrid';
import { KvMap } from '../KvMap/KvMap';
import { LiveNumbers } from '../Metrics/LiveNumbers';
import { RatioBar } from './RatioBar';

/** Static (top) and continuous (bottom) on the identical workload, each with its own views. */
export function CompareView() {
  return (
    <div className="compare-lanes" data-testid="compare-view">
      <div className="lane-row">
        <BatchGrid lane="a" title="Static batching" compact />
        <KvMap lane="a" compact />
        <LiveNumbers lane="a" compact />
      </div>
      <div className="lane-row">
        <BatchGrid lane="b" title="Continuous batching" compact />
        <KvMap lane="b" compact />
        <LiveNumbers lane="b" compact />
      </div>
      <RatioBar />
    </div>
  );
}
