import { useEffect } from 'react';
import { useLatest } from './frames';

/**
 * A modal surface's keyboard contract (the settings drawer, the data tables): when it opens, focus
 * moves into it; Escape closes it; when it closes, focus goes back to what had it before.
 */
export function useDialogFocus(open: boolean, focusTarget: () => HTMLElement | null | undefined, close: () => void): void {
  const latest = useLatest({ focusTarget, close });
  useEffect(() => {
    if (!open) return;
    const opener = document.activeElement as HTMLElement | null;
    latest.current.focusTarget()?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && latest.current.close();
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      opener?.focus?.();
    };
  }, [open, latest]);
}
