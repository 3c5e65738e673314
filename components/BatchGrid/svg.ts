import type { IdleReason } from '../../engine/serve/events';
import type { Palette } from '../../src/theme/palette';
import { cachedFill, startsNewRequest } from './draw';
import type { GridLayout } from './layout';

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** The key drawn under an exported grid (SVG and PNG alike), by cell kind or idle reason. */
export const EXPORT_LEGEND: readonly [string, 'prefill' | 'decode' | 'end' | IdleReason][] = [
  ['prompt', 'prefill'],
  ['generated', 'decode'],
  ['end', 'end'],
  ['idle (finished)', 'finished'],
  ['empty', 'empty'],
  ['stalled', 'stalled'],
  ['preempted', 'preempted'],
];

/**
 * The whole grid as a standalone SVG (for slides and papers): one rect per run, hatch patterns
 * for idle slots, row labels, and a legend, all from the same layout the canvas draws.
 */
export function gridToSvg(layout: GridLayout, p: Palette, opts: { cell?: number; title?: string } = {}): string {
  const cell = opts.cell ?? Math.max(2, Math.min(14, 1600 / Math.max(1, layout.columns)));
  const rowH = Math.max(6, Math.min(18, cell * 1.2));
  const left = 36;
  const top = opts.title ? 28 : 10;
  const width = Math.ceil(left + layout.columns * cell + 10);
  const legendY = top + layout.rows.length * rowH + 16;
  const height = Math.ceil(legendY + 20);
  const hatch = (id: string, color: string, angle: number) =>
    `<pattern id="${id}" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(${angle})"><rect width="5" height="5" fill="${p.idle}"/><line x1="0" y1="0" x2="0" y2="5" stroke="${color}" stroke-width="1.2"/></pattern>`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<defs>${hatch('idle-finished', p.hatch, 45)}${hatch('idle-empty', p.hatch, 90)}${hatch('idle-stalled', p.stalled, -45)}${hatch('idle-preempted', p.preempted, 0)}</defs>`,
    `<rect width="${width}" height="${height}" fill="${p.background}"/>`,
  ];
  if (opts.title) out.push(`<text x="${left}" y="18" fill="${p.text}" font-size="13" font-weight="600">${esc(opts.title)}</text>`);
  const gap = cell >= 5 ? 1 : 0;
  layout.rows.forEach((runs, row) => {
    const y = top + row * rowH;
    out.push(`<text x="${left - 4}" y="${y + rowH / 2 + 4}" text-anchor="end" fill="${p.muted}">S${row + 1}</text>`);
    runs.forEach((r, i) => {
      const fill = r.kind === 'idle' ? `url(#idle-${r.idleReason ?? 'empty'})` : r.kind === 'cached' ? cachedFill(p) : p[r.kind];
      const title = r.requestId === null ? 'empty slot' : `R${r.requestId} ${r.kind}`;
      // A new request in the slot starts after a visible gap, as on the canvas.
      const inset = cell >= 4 && startsNewRequest(runs[i - 1], r) ? 1.5 : 0;
      out.push(`<rect x="${(left + r.col * cell + inset).toFixed(2)}" y="${y}" width="${Math.max(0.5, r.len * cell - gap - inset).toFixed(2)}" height="${rowH - 1}" fill="${fill}"><title>${title}</title></rect>`);
    });
  });
  let x = left;
  for (const [label, kind] of EXPORT_LEGEND) {
    const fill = kind === 'prefill' || kind === 'decode' || kind === 'end' ? p[kind] : `url(#idle-${kind})`;
    out.push(`<rect x="${x}" y="${legendY - 9}" width="12" height="10" fill="${fill}" stroke="${p.gridLine}"/><text x="${x + 16}" y="${legendY}" fill="${p.muted}">${label}</text>`);
    x += 24 + label.length * 6;
  }
  out.push('</svg>');
  return out.join('\n');
}
