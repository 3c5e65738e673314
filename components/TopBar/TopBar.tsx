import { BackendStatus } from '../Controls/BackendStatus';
import { Transport } from '../Controls/Transport';
import { useApp, useAppStore } from '../../src/store/store';
import { ExportMenu } from './ExportMenu';
import { COMPARE_AXES, axisAvailable, type CompareAxis } from '../../src/run/compare';

/** Model, engine, the run controls, compare, export, tour and theme: the page's first line. */
export function TopBar() {
  const store = useAppStore();
  const lane = useApp((s) => s.lanes.a);
  const compare = useApp((s) => s.compare);
  const view = useApp((s) => s.view);
  const compareBy = useApp((s) => s.compareBy);
  const config = useApp((s) => s.config);
  const theme = useApp((s) => s.theme);
  const set = store.getState().setUi;
  return (
    <header className="topbar">
      <div className="brand">
        batchscope<small>{lane.modelName ?? 'loading the model…'}</small>
      </div>
      <BackendStatus chip />
      <div data-tour="transport">
        <Transport />
      </div>
      <span className="compare-control" data-tour="compare">
        <button data-testid="compare" aria-pressed={compare} onClick={() => set({ compare: !compare, topic: compare ? 'overview' : 'compare' })} title="Two runs of the same workload side by side, differing in one setting (C)">
          Compare
        </button>
        <select data-testid="compare-by" aria-label="Compare by" value={compareBy} onChange={(e) => set({ compareBy: e.target.value as CompareAxis, compare: true, topic: 'compare' })} title="What differs between the two runs">
          {COMPARE_AXES.filter((a) => axisAvailable(a.axis, config)).map((a) => (
            <option key={a.axis} value={a.axis}>
              by {a.label}
            </option>
          ))}
        </select>
      </span>
      <button data-testid="experiments-open" data-tour="experiments-button" aria-pressed={view === 'experiments'} onClick={() => set({ view: view === 'experiments' ? 'run' : 'experiments', topic: view === 'experiments' ? 'overview' : 'anyscale' })} title="Anyscale's benchmark: throughput vs output-length variance, simulated at full size or measured here">
        Experiments
      </button>
      <span className="spacer" />
      <ExportMenu />
      <button onClick={() => set({ tourStep: 0 })} data-testid="tour-start" title="A guided walk through one run (?)">
        Tour
      </button>
      <button onClick={() => set({ theme: theme === 'dark' ? 'light' : 'dark' })} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} data-testid="theme">
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </header>
  );
}
