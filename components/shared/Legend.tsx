import type { CSSProperties } from 'react';

export interface LegendItem {
  label: string;
  style: CSSProperties;
  /** Optional explanation shown on hover and read by screen readers. */
  hint?: string;
}

/** A row of swatches; every view has one, and the swatches use the canvas's own fills and hatches. */
export function Legend({ items, label }: { items: LegendItem[]; label: string }) {
  return (
    <ul className="legend" aria-label={label}>
      {items.map((it) => (
        <li key={it.label} title={it.hint}>
          <span className="swatch" style={it.style} aria-hidden="true" />
          {it.label}
        </li>
      ))}
    </ul>
  );
}
