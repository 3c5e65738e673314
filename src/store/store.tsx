import { createContext, useContext, type ReactNode } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { ThemeName } from '../theme/palette';
import type { RunConfig } from './config';
import { configSlice, sessionSlice, uiSlice, type AppState } from './slices';

export type AppStore = StoreApi<AppState>;

/** One store built from typed slices; a fresh one per app, story or test. */
export function createAppStore(opts: { config?: RunConfig; theme?: ThemeName } = {}): AppStore {
  return createStore<AppState>()((...a) => ({
    ...configSlice(opts.config)(...a),
    ...sessionSlice(...a),
    ...uiSlice(opts.theme)(...a),
  }));
}

const StoreContext = createContext<AppStore | null>(null);

export function StoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('a component that reads the app store was rendered outside <StoreProvider>');
  return store;
}

/** Narrow selector hook: components re-render only when what they select changes. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStore(), selector);
}
