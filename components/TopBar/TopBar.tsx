import { BackendStatus } from '../Controls/BackendStatus';
import { Transport } from '../Controls/Transport';
import { useApp, useAppStore } from '../../src/store/store';
import { shortenAtWord } from '../shared/names';
import { ExportMenu } from './ExportMenu';

/** Model, engine, the run controls, compare, export, tour and theme: the page's first line. */
export function TopBar() {
  const store = useAppStore();
  const lane = useApp((s) => s.lanes.a);
  const compare = useApp((s) => s.compare);
  const view = useApp((s) => s.view);
  const theme = useApp((s) => s.theme);
  const set = store.getState().setUi;
  return (
    <header className="topbar">
      <div className="brand">
        batchscope<small title={lane.modelName ?? undefined}>{lane.modelName ? shortenAtWord(lane.backend?.kind === 'sim' ? lane.backend.short ?? lane.modelName : lane.modelName, 26) : 'loading the model…'}</small>
      </div>
      <BackendStatus chip />
      <div data-tour="transport">
        <Transport />
      </div>
      <button data-testid="compare" data-tour="compare" aria-pressed={compare} onClick={() => set({ compare: !compare, ...(compare ? {} : { suggestedTopic: 'compare' }) })} title="Two runs of the same workload side by side, differing in one setting you choose (C)">
        Compare
      </button>
      <button data-testid="experiments-open" data-tour="experiments-button" aria-pressed={view === 'experiments'} onClick={() => set({ view: view === 'experiments' ? 'run' : 'experiments', ...(view === 'experiments' ? {} : { suggestedTopic: 'anyscale' }) })} title="Anyscale's benchmark: throughput vs output-length variance, simulated at full size or measured here">
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
