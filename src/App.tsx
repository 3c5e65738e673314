import { useEffect, useRef } from 'react';
import { BatchGrid } from '../components/BatchGrid/BatchGrid';
import { ViewPair } from '../components/Below/ViewPair';
import { TimeChart } from '../components/Charts/TimeChart';
import { CompareView } from '../components/Compare/CompareView';
import { ConfigPanel } from '../components/Controls/ConfigPanel';
import { Explain } from '../components/Explain/Explain';
import { ExperimentsView } from '../components/Experiments/ExperimentsView';
import { KvMap } from '../components/KvMap/KvMap';
import { ExpertStrip } from '../components/ExpertStrip/ExpertStrip';
import { LiveNumbers } from '../components/Metrics/LiveNumbers';
import { RequestPanel } from '../components/RequestPanel/RequestPanel';
import { SweepChart } from '../components/Sweep/SweepChart';
import { Notice } from '../components/TopBar/Notice';
import { SourceBanner } from '../components/TopBar/SourceBanner';
import { TopBar } from '../components/TopBar/TopBar';
import { Tour } from '../components/Tour/Tour';
import { TrafficView } from '../components/Traffic/TrafficView';
import { DataTableDialog } from '../components/shared/DataTable';
import { useDialogFocus } from '../components/shared/dialog-focus';
import { useCommands } from './run/commands';
import type { LaneId, Topic } from './store/slices';
import { useApp, useAppStore } from './store/store';

/** Pointing at a view offers its lesson in the explanation panel; it never switches the topic picked there. */
const topicProps = (suggest: (t: Topic) => void, topic: Topic) => ({ onPointerEnter: () => suggest(topic), onFocus: () => suggest(topic) });

export function App() {
  const store = useAppStore();
  const compare = useApp((s) => s.compare);
  const view = useApp((s) => s.view);
  const theme = useApp((s) => s.theme);
  const presenter = useApp((s) => s.presenter);
  const settingsOpen = useApp((s) => s.settingsOpen) && !presenter;
  // The lane's strategy: the setting's, or an imported trace's while it replays.
  const strategy = useApp((s) => s.lanes.a.strategy);
  const kv = useApp((s) => s.config.kv);
  const source = useApp((s) => s.lanes.a.source);
  const cmd = useCommands();
  const lanes: LaneId[] = compare ? ['a', 'b'] : ['a'];
  const setTopic = (topic: Topic) => store.getState().suggestedTopic !== topic && store.getState().setUi({ suggestedTopic: topic });
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    // On <html>, so the type scale of presenter mode reaches dialogs and the tour as well.
    if (presenter) document.documentElement.dataset.presenter = '';
    else delete document.documentElement.dataset.presenter;
  }, [presenter]);
  useShortcuts(cmd);
  const drawer = useDrawer(settingsOpen);
  const classes = ['app', compare && 'compare', view === 'experiments' && 'experiments-open', presenter && 'presenter', settingsOpen && 'settings-open'].filter(Boolean).join(' ');
  return (
    <div className={classes} data-source={source}>
      <TopBar />
      <div className="drawer-backdrop" onClick={drawer.close} />
      <nav className="controls" id="settings" aria-label="Settings" ref={drawer.ref} role={settingsOpen ? 'dialog' : undefined} aria-modal={settingsOpen || undefined} {...topicProps(setTopic, 'knobs')}>
        <div className="drawer-head">
          <h2>Settings</h2>
          <button onClick={drawer.close} aria-label="Close the settings" title="Close (Esc)">
            ✕
          </button>
        </div>
        <ConfigPanel />
      </nav>
      <main className="stage" aria-label="The run">
        <SourceBanner />
        {compare ? (
          <CompareView />
        ) : (
          <div className="grid-area" style={{ display: 'flex', flex: 1, minHeight: 0 }} {...topicProps(setTopic, strategy === 'static' ? 'static-idle' : 'grid')}>
            <BatchGrid lane="a" title={`${strategy === 'static' ? 'Static' : 'Continuous'} batching`} />
          </div>
        )}
        {!compare && (
          <div {...topicProps(setTopic, 'experts')}>
            <ExpertStrip lane="a" />
          </div>
        )}
        <RequestPanel lane="a" />
      </main>
      {!compare && (
        <aside className="side" aria-label="Memory and numbers">
          <div className="side-kv" {...topicProps(setTopic, kv === 'paged' ? 'paged' : 'kv-waste')}>
            <KvMap lane="a" />
          </div>
          <LiveNumbers lane="a" />
        </aside>
      )}
      <section className="below" aria-label="Over time">
        <div {...topicProps(setTopic, 'overview')}>
          <TimeChart lanes={lanes} kind="throughput" />
        </div>
        <div {...topicProps(setTopic, 'static-idle')}>
          <TimeChart lanes={lanes} kind="batch" />
        </div>
        <div {...topicProps(setTopic, 'kv-waste')}>
          <TimeChart lanes={lanes} kind="kv" />
        </div>
        <ViewPair
          label="Step time or memory traffic"
          items={[
            { id: 'bound', label: 'Step time', topics: ['bound'], props: topicProps(setTopic, 'bound'), node: <SweepChart /> },
            { id: 'traffic', label: 'Memory traffic', topics: ['traffic', 'quantization', 'flash-attention'], props: topicProps(setTopic, 'traffic'), node: <TrafficView lanes={lanes} /> },
          ]}
        />
        <Explain />
      </section>
      {view === 'experiments' && <ExperimentsView />}
      <Tour />
      <DataTableDialog />
      <Notice />
    </div>
  );
}

/**
 * The settings drawer of narrow screens: opening it moves focus into it, Escape or the backdrop
 * closes it, and focus goes back to the button that opened it.
 */
function useDrawer(open: boolean) {
  const store = useAppStore();
  const ref = useRef<HTMLElement>(null);
  const close = () => store.getState().setUi({ settingsOpen: false });
  useDialogFocus(open, () => ref.current?.querySelector<HTMLElement>('.drawer-head button'), close);
  return { ref, close };
}

/**
 * Space plays or pauses, S steps, R resets, C compares, P presents, ? starts the tour: not while typing, and
 * Space not on a button (it presses the button), but letters still work after a click.
 */
function useShortcuts(cmd: ReturnType<typeof useCommands>) {
  const store = useAppStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      const key = e.key.toLowerCase();
      if (e.ctrlKey || e.metaKey || e.altKey || t.closest('input, select, textarea, canvas, [role="dialog"]') || (key === ' ' && t.closest('button, a, [role="radio"]'))) return;
      const s = store.getState();
      if (key === ' ') s.lanes.a.phase === 'running' ? cmd.pause() : cmd.play();
      else if (key === 's') cmd.step();
      else if (key === 'r') cmd.reset();
      else if (key === 'c') s.setUi({ compare: !s.compare });
      else if (key === 'p') s.setUi({ presenter: !s.presenter, settingsOpen: false, ...(s.presenter ? {} : { view: 'run' as const }) });
      else if (key === '?') s.setUi({ tourStep: 0 });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [cmd, store]);
}
