import type { IdleReason } from '../../engine/serve/events';
import type { Palette } from '../../src/theme/palette';

/**
 * Hatching for wasted cells and memory: idle is never told by colour alone (it must survive a
 * greyscale projector and colour-blind eyes), so each kind of waste has its own line pattern.
 */
export type HatchKind = IdleReason | 'internal' | 'external' | 'reserved';

interface HatchSpec {
  color: (p: Palette) => string;
  /** Line angle: 1 = "/", -1 = "\", 0 = cross. */
  dir: 1 | -1 | 0;
  spacing: number;
}

const SPECS: Record<HatchKind, HatchSpec> = {
  finished: { color: (p) => p.hatch, dir: 1, spacing: 5 },
  empty: { color: (p) => p.hatch, dir: 0, spacing: 7 },
  stalled: { color: (p) => p.stalled, dir: -1, spacing: 4 },
  preempted: { color: (p) => p.preempted, dir: 0, spacing: 4 },
  reserved: { color: (p) => p.kvReserved, dir: 1, spacing: 4 },
  internal: { color: (p) => p.kvInternal, dir: -1, spacing: 4 },
  external: { color: (p) => p.kvExternal, dir: 0, spacing: 4 },
};

type Ctx = CanvasRenderingContext2D;

/** One pattern per waste kind, for a palette and device pixel ratio; cached by the caller. */
export function makeHatches(ctx: Ctx, palette: Palette, dpr: number): Map<HatchKind, CanvasPattern | string> {
  const out = new Map<HatchKind, CanvasPattern | string>();
  for (const [kind, spec] of Object.entries(SPECS) as [HatchKind, HatchSpec][]) {
    out.set(kind, hatchPattern(ctx, spec.color(palette), spec.dir, spec.spacing, dpr) ?? spec.color(palette));
  }
  return out;
}

function hatchPattern(ctx: Ctx, color: string, dir: 1 | -1 | 0, spacing: number, dpr: number): CanvasPattern | null {
  const size = Math.max(2, Math.round(spacing * dpr));
  const tile = document.createElement('canvas');
  tile.width = tile.height = size;
  const t = tile.getContext('2d');
  if (!t) return null;
  t.strokeStyle = color;
  t.lineWidth = Math.max(1, dpr);
  t.beginPath();
  // Lines drawn past the tile's corners so the pattern joins up seamlessly across tiles.
  const diag = (sign: 1 | -1) => {
    for (let o = -size; o <= size; o += size) {
      t.moveTo(o, sign > 0 ? size : 0);
      t.lineTo(o + size, sign > 0 ? 0 : size);
    }
  };
  if (dir === 0) {
    diag(1);
    diag(-1);
  } else diag(dir);
  t.stroke();
  const pattern = ctx.createPattern(tile, 'repeat');
  // Patterns are in device pixels; the caller's transform scales by dpr, so undo it for the tile.
  pattern?.setTransform?.(new DOMMatrix([1 / dpr, 0, 0, 1 / dpr, 0, 0]));
  return pattern;
}

/** The same hatching as an SVG pattern over a background colour, for charts drawn in SVG. */
export function hatchSvgPattern(palette: Palette, kind: HatchKind, id: string, background: string): string {
  const spec = SPECS[kind];
  const s = spec.spacing;
  const c = spec.color(palette);
  const up = `M${-s},${s} L${s},${-s} M0,${s} L${s},0 M0,${2 * s} L${2 * s},0`;
  const down = `M${-s},0 L${s},${2 * s} M0,0 L${s},${s} M0,${-s} L${2 * s},${s}`;
  const d = spec.dir === 0 ? `${up} ${down}` : spec.dir > 0 ? up : down;
  return `<pattern id="${id}" patternUnits="userSpaceOnUse" width="${s}" height="${s}"><rect width="${s}" height="${s}" fill="${background}"/><path d="${d}" stroke="${c}" stroke-width="1"/></pattern>`;
}

/** A small swatch for legends: the same pattern as on the canvas, as a CSS background. */
export function hatchCss(palette: Palette, kind: HatchKind): string {
  const spec = SPECS[kind];
  const c = spec.color(palette);
  const s = spec.spacing;
  const line = (deg: number) => `repeating-linear-gradient(${deg}deg, ${c} 0 1px, transparent 1px ${s}px)`;
  return spec.dir === 0 ? `${line(45)}, ${line(-45)}` : line(spec.dir > 0 ? -45 : 45);
}
