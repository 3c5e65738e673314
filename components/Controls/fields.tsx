import { useEffect, useId, useState, type ReactNode } from 'react';

interface Common {
  label: string;
  hint?: string;
  disabled?: boolean;
  testid?: string;
}

/**
 * A knob's explanation, reachable without a mouse: the "?" button shows it under the field (click,
 * Enter or Space), and the control is described by it for screen readers. Hovering still shows it
 * as a tooltip.
 */
function useHint(hint: string | undefined) {
  const id = useId();
  const [open, setOpen] = useState(false);
  if (!hint) return { toggle: null, text: null, describedBy: undefined };
  const toggle = (
    <button type="button" className="hint-toggle" aria-expanded={open} aria-controls={id} aria-label={open ? 'Hide the explanation' : 'Explain this setting'} title={open ? 'Hide the explanation' : 'Explain this setting'} onClick={() => setOpen(!open)}>
      ?
    </button>
  );
  const text = (
    <p id={id} className="field-hint" hidden={!open}>
      {hint}
    </p>
  );
  return { toggle, text, describedBy: id };
}

/** Upstream knob names (max_num_batched_tokens) may wrap after an underscore, never mid-word. */
function knobLabel(label: string): ReactNode {
  const parts = label.split('_');
  return parts.map((p, i) => (i < parts.length - 1 ? [p, '_', <wbr key={i} />] : p));
}

/**
 * A number input that commits on blur or Enter (not per keystroke). An empty or non-numeric entry
 * (browsers report both as '') puts the value back; one out of range is clamped, and the field says
 * so below itself until the next edit, so no setting changes silently.
 */
export function NumberField({ label, hint, disabled, testid, value, min, max, step = 1, onChange }: Common & { value: number; min: number; max: number; step?: number; onChange: (v: number) => void }) {
  const id = useId();
  const noteId = useId();
  const [draft, setDraft] = useState(String(value));
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => setDraft(String(value)), [value]);
  const h = useHint(hint);
  const commit = () => {
    const n = Number(draft);
    if (draft.trim() === '' || !Number.isFinite(n)) {
      if (draft !== String(value)) setNote(`Not a number: kept ${value}.`);
      return setDraft(String(value));
    }
    const rounded = step >= 1 ? Math.round(n) : n;
    const v = Math.min(max, Math.max(min, rounded));
    setNote(v !== rounded ? `Allowed: ${min} to ${max}; set to ${v}.` : null);
    setDraft(String(v));
    if (v !== value) onChange(v);
  };
  return (
    <div className="field" title={hint}>
      <label htmlFor={id}>{knobLabel(label)}</label>
      <input
        id={id}
        aria-describedby={[note ? noteId : '', h.describedBy ?? ''].join(' ').trim() || undefined}
        data-testid={testid}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step}
        value={draft}
        disabled={disabled}
        onChange={(e) => {
          setDraft(e.target.value);
          setNote(null);
        }}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {h.toggle ?? <span />}
      {note && (
        <span id={noteId} className="field-note" role="status">
          {note}
        </span>
      )}
      {h.text}
    </div>
  );
}

export function SelectField<T extends string>({ label, hint, disabled, testid, value, options, onChange }: Common & { value: T; options: readonly { value: T; label: string }[]; onChange: (v: T) => void }) {
  const id = useId();
  const h = useHint(hint);
  return (
    <div className="field" title={hint}>
      <label htmlFor={id}>{knobLabel(label)}</label>
      <select id={id} data-testid={testid} value={value} disabled={disabled} aria-describedby={h.describedBy} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {h.toggle ?? <span />}
      {h.text}
    </div>
  );
}

export function CheckField({ label, hint, disabled, testid, tour, value, onChange }: Common & { value: boolean; onChange: (v: boolean) => void; tour?: string }) {
  const h = useHint(hint);
  return (
    <div className="field check" title={hint} data-tour={tour}>
      <label>
        <input type="checkbox" data-testid={testid} checked={value} disabled={disabled} aria-describedby={h.describedBy} onChange={(e) => onChange(e.target.checked)} />
        {label}
      </label>
      {h.toggle}
      {h.text}
    </div>
  );
}

/** A titled group of controls, arranged as a learner thinks: strategy, memory, workload, backend. */
export function Group({ title, note, tour, children }: { title: string; note?: string; tour?: string; children: ReactNode }) {
  return (
    <fieldset className="group" data-tour={tour}>
      <legend>{title}</legend>
      {children}
      {note && <p className="fineprint">{note}</p>}
    </fieldset>
  );
}
