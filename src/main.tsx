import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { Controller, type EngineChannel } from './run/controller';
import { CommandsContext } from './run/commands';
import { loadRecordedRuns } from './run/recorded';
import { StoreProvider } from './store/store';
import { storeFromLink } from './store/link';
import { configToQuery } from './store/url';
import { COMPARE_AXES } from './run/compare';
import type { ModelSource } from './worker/protocol';
import { BUILT_IN_MODELS } from '../engine/model/builtin';
import './theme/tokens.css';
import './theme/app.css';
import './theme/layout.css';

/**
 * The built-in model, or any llama2.c checkpoint and tokenizer given as URLs:
 * ?model=/path/model.bin&tokenizer=/path/tok.bin
 */
function modelSource(q: URLSearchParams, builtIn: string): ModelSource {
  const checkpoint = q.get('model');
  const tokenizer = q.get('tokenizer');
  if (checkpoint && tokenizer) return { name: checkpoint.split('/').pop()!.replace(/\.bin$/, ''), checkpoint, tokenizer };
  return MODEL_CATALOG.find((m) => m.name === builtIn) ?? MODEL_CATALOG[0];
}

/** The built-in models (engine/model/builtin.ts) as URLs under public/models/: the model picker's choices. */
const MODEL_CATALOG: ModelSource[] = BUILT_IN_MODELS.map((m) => ({ name: m.name, checkpoint: `${import.meta.env.BASE_URL}models/${m.checkpoint}`, tokenizer: `${import.meta.env.BASE_URL}models/${m.tokenizer}` }));

function workerChannel(): EngineChannel {
  const worker = new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'batchscope engine' });
  return {
    post: (m) => worker.postMessage(m),
    onMessage: (fn) => {
      worker.onmessage = (e) => fn(e.data);
      worker.onerror = (e) => fn({ type: 'error', message: e.message || 'the engine worker failed to start' });
    },
    dispose: () => worker.terminate(),
  };
}

const query = new URLSearchParams(location.search);
if (query.get('bench') === 'grid') {
  // The grid's frame-rate benchmark (tools/bench/grid.ts): its own page, no engine worker.
  void import('./bench/grid-bench').then(async ({ runGridBench }) => {
    (window as unknown as { __benchResult: unknown }).__benchResult = await runGridBench(document.getElementById('root')!);
  });
} else startApp();

function startApp() {
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)');
  const store = storeFromLink(location.search, dark?.matches ? 'dark' : 'light');
  if (query.get('compare') === '1') store.getState().setUi({ compare: true });
  // What compare mode changes, as a link: ?compare=1&compare_by=kv (an unknown value is named, and the strategy compared).
  const by = query.get('compare_by');
  const axis = COMPARE_AXES.find((a) => a.axis === by);
  if (axis) store.getState().setUi({ compareBy: axis.axis });
  else if (by !== null) store.getState().setNotice(`This link's compare_by "${by}" is not one of ${COMPARE_AXES.map((a) => a.axis).join(', ')}: comparing strategies.`);
  if (query.get('present') === '1') store.getState().setUi({ presenter: true });
  const themeInLink = query.get('theme') === 'dark' || query.get('theme') === 'light';
  if (themeInLink) store.getState().setUi({ theme: query.get('theme') as 'dark' | 'light' });
  // The system's light or dark preference is followed as it changes, until the visitor or the link picks one.
  let themeChosen = themeInLink;
  dark?.addEventListener?.('change', (e) => themeChosen || store.getState().setUi({ theme: e.matches ? 'dark' : 'light' }));
  document.addEventListener('click', (e) => (e.target as Element | null)?.closest?.('[data-testid=theme]') && (themeChosen = true), { capture: true });

  // The configuration lives in the URL, so a lesson is a link; model and theme choices stay in it,
  // and so do compare and presenter mode (a teacher opens the projector view from a link).
  store.subscribe((s, prev) => {
    if (s.config === prev.config && s.compare === prev.compare && s.compareBy === prev.compareBy && s.presenter === prev.presenter) return;
    // A checkpoint named by URL (model= with tokenizer=) stays in the link; a built-in model is a setting.
    const keep = Object.fromEntries([...(query.get('tokenizer') ? ['model', 'tokenizer'] : []), 'theme'].flatMap((k) => (query.get(k) ? [[k, query.get(k)!]] : [])));
    const modes = { ...(s.compare ? { compare: '1', ...(s.compareBy !== 'strategy' ? { compare_by: s.compareBy } : {}) } : {}), ...(s.presenter ? { present: '1' } : {}) };
    history.replaceState(null, '', `${location.pathname}${configToQuery(s.config, { ...keep, ...modes })}`);
  });

  const controller = new Controller({ store, engine: workerChannel(), model: modelSource(query, store.getState().config.model), catalog: MODEL_CATALOG, recorded: loadRecordedRuns, alternateDemo: !query.has('strategy') && query.get('compare') !== '1' });
  controller.start();
  // Any click or key press on the page stops the demo's alternation: the visitor is looking at something.
  for (const type of ['pointerdown', 'keydown'] as const) document.addEventListener(type, controller.visitorActed, { capture: true });

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <StoreProvider store={store}>
        <CommandsContext.Provider value={controller}>
          <App />
        </CommandsContext.Provider>
      </StoreProvider>
    </StrictMode>,
  );
}
