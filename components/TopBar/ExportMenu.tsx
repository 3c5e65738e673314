import { useEffect, useRef, useState } from 'react';
import { useCommands, type ExportKind } from '../../src/run/commands';
import { useAppStore } from '../../src/store/store';

const MORE: { kind: ExportKind; label: string }[] = [
  { kind: 'csv', label: 'Iterations as CSV' },
  { kind: 'workload', label: 'Workload as JSON' },
  { kind: 'png', label: 'Grid as PNG' },
  { kind: 'svg', label: 'Grid as SVG' },
];

/** Export the run (Perfetto trace first, the rest one click further) and import a trace to replay. */
export function ExportMenu() {
  const cmd = useCommands();
  const store = useAppStore();
  const [open, setOpen] = useState(false);
  // The URL already holds the configuration; copying it shares the lesson.
  const copyLink = () => {
    const say = (m: string) => store.getState().setNotice(m);
    navigator.clipboard?.writeText(location.href).then(() => say('Link copied: it opens this page with these settings.'), () => say(`Copy this link: ${location.href}`)) ?? say(`Copy this link: ${location.href}`);
    setOpen(false);
  };
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  return (
    <div className="button-row" data-tour="export">
      <button data-testid="export-trace" onClick={() => cmd.exportFile('trace')} title="Chrome trace JSON: open it in ui.perfetto.dev">
        <span aria-hidden="true">⇩</span> <span className="btn-label">Trace</span>
      </button>
      <div className="menu" ref={root}>
        <button aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="export-more">
          More ▾
        </button>
        {open && (
          <div className="menu-list" role="menu">
            {MORE.map((m) => (
              <button key={m.kind} role="menuitem" data-testid={`export-${m.kind}`} onClick={() => (cmd.exportFile(m.kind), setOpen(false))}>
                {m.label}
              </button>
            ))}
            <button role="menuitem" data-testid="copy-link" onClick={copyLink}>
              Copy a link to these settings
            </button>
            <label className="file-label" role="menuitem">
              Import a trace to replay…
              <input
                type="file"
                accept=".json,application/json"
                data-testid="import-trace"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) cmd.importTrace(f);
                  e.target.value = '';
                  setOpen(false);
                }}
              />
            </label>
          </div>
        )}
      </div>
    </div>
  );
}
