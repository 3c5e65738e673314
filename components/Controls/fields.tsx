import { useEffect, useId, useState, type ReactNode } from 'react';

interface Common {
  label: string;
  hint?: string;
  disabled?: boolean;
  testid?: string;
}

/** Upstream knob names (max_num_batched_tokens) may wrap after an underscore, never mid-word. */
function knobLabel(label: string): ReactNode {
  const parts = label.split('_');
  return parts.map((p, i) => (i < parts.length - 1 ? [p, '_', <wbr key={i} />] : p));
}

/** A number input that commits on blur or Enter (not per keystroke) and clamps to its range. */
export function NumberField({ label, hint, disabled, testid, value, min, max, step = 1, onChange }: Common & { value: number; min: number; max: number; step?: number; onChange: (v: number) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);
  const commit = () => {
    const n = Number(draft);
    if (!Number.isFinite(n)) return setDraft(String(value));
    const v = Math.min(max, Math.max(min, step >= 1 ? Math.round(n) : n));
    setDraft(String(v));
    if (v !== value) onChange(v);
  };
  return (
    <div className="field" title={hint}>
      <label htmlFor={id}>{knobLabel(label)}</label>
      <input
        id={id}
        data-testid={testid}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step}
        value={draft}
        disabled={disabled}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </div>
  );
}

export function SelectField<T extends string>({ label, hint, disabled, testid, value, options, onChange }: Common & { value: T; options: readonly { value: T; label: string }[]; onChange: (v: T) => void }) {
  const id = useId();
  return (
    <div className="field" title={hint}>
      <label htmlFor={id}>{knobLabel(label)}</label>
      <select id={id} data-testid={testid} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckField({ label, hint, disabled, testid, value, onChange }: Common & { value: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="field check" title={hint}>
      <input type="checkbox" data-testid={testid} checked={value} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
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
