import { useLayoutEffect, useRef } from 'react';
import { BackendStatus } from '../Controls/BackendStatus';
import { Transport } from '../Controls/Transport';
import { useApp, useAppStore } from '../../src/store/store';
import { shortenAtWord } from '../shared/names';
import { ExportMenu } from './ExportMenu';

/**
 * Model, engine, the run controls, compare, export, tour and theme: the page's first line. In
 * presenter mode only what a presenter reaches for stays: the run controls, the pace and compare.
 */
export function TopBar() {
  const store = useAppStore();
  const lane = useApp((s) => s.lanes.a);
  const compare = useApp((s) => s.compare);
  const view = useApp((s) => s.view);
  const theme = useApp((s) => s.theme);
  const presenter = useApp((s) => s.presenter);
  const settingsOpen = useApp((s) => s.settingsOpen);
  const set = store.getState().setUi;
  const bar = useTopbarHeight();
  return (
    <header className="topbar" ref={bar}>
      <div className="brand">
        batchscope<small title={lane.modelName ?? undefined}>{lane.modelName ? shortenAtWord(lane.backend?.kind === 'sim' ? lane.backend.short ?? lane.modelName : lane.modelName, 26) : 'loading the model…'}</small>
      </div>
      <BackendStatus chip />
      <button className="settings-toggle" aria-expanded={settingsOpen} aria-controls="settings" onClick={() => set({ settingsOpen: !settingsOpen })} data-testid="settings-toggle" title="Strategy, memory, workload and backend">
        <span aria-hidden="true">☰</span> <span className="btn-label">Settings</span>
      </button>
      <div data-tour="transport">
        <Transport />
      </div>
      <button data-testid="compare" data-tour="compare" aria-pressed={compare} onClick={() => set({ compare: !compare, ...(compare ? {} : { suggestedTopic: 'compare' }) })} title="Two runs of the same workload side by side, differing in one setting you choose (C)">
        Compare
      </button>
      <button className="presenter-hidden" data-testid="experiments-open" data-tour="experiments-button" aria-pressed={view === 'experiments'} onClick={() => set({ view: view === 'experiments' ? 'run' : 'experiments', ...(view === 'experiments' ? {} : { suggestedTopic: 'anyscale' }) })} title="Anyscale's benchmark: throughput vs output-length variance, simulated at full size or measured here">
        Experiments
      </button>
      <span className="spacer" />
      <div className="presenter-hidden">
        <ExportMenu />
      </div>
      <button className="presenter-hidden" onClick={() => set({ tourStep: 0 })} data-testid="tour-start" title="A guided walk through one run (?)">
        Tour
      </button>
      <button className="presenter-hidden" onClick={() => set({ theme: theme === 'dark' ? 'light' : 'dark' })} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} data-testid="theme">
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button data-testid="presenter" aria-pressed={presenter} onClick={() => set({ presenter: !presenter, settingsOpen: false, ...(presenter ? {} : { view: 'run' as const }) })} title={presenter ? 'Back to the full page (P)' : 'Presenter mode: large type for a projector, only the run controls (P)'}>
        {presenter ? 'Exit presenter' : 'Present'}
      </button>
    </header>
  );
}

/** Layouts below the wide one size the first screen under the top bar, whose height changes as it wraps. */
function useTopbarHeight() {
  const ref = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => document.documentElement.style.setProperty('--topbar-h', `${Math.ceil(el.getBoundingClientRect().height)}px`));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return ref;
}
