import type { ThemeName } from '../theme/palette';
import { createAppStore, type AppStore } from './store';
import { readQuery } from './url';

/**
 * The page's store for a link: its configuration, and a notice naming every value the link asked
 * for that the page could not use as written (rounded, clamped or refused), never a silent swap.
 */
export function storeFromLink(search: string, theme: ThemeName): AppStore {
  const link = readQuery(search);
  const store = createAppStore({ config: link.config, theme });
  if (link.problems.length) store.getState().setNotice(`This link's settings were adjusted: ${link.problems.join('; ')}.`);
  return store;
}
