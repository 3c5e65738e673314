import { useEffect } from 'react';
import { useApp, useAppStore } from '../../src/store/store';

/** A passing message (a refused setting, an unreadable file), gone after a while or on dismiss. */
export function Notice() {
  const store = useAppStore();
  const notice = useApp((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => store.getState().setNotice(null), 10_000);
    return () => clearTimeout(t);
  }, [notice, store]);
  if (!notice) return null;
  return (
    <div className="notice" role="alert" data-testid="notice">
      <span>{notice}</span>
      <button onClick={() => store.getState().setNotice(null)} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
