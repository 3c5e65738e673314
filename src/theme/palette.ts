/**
 * Colours for canvas drawing, which cannot read CSS variables cheaply every frame. The grid keeps
 * Anyscale's convention (prompt yellow, generated blue, end red, waste white/hatched); the KV map
 * keeps the vLLM paper's (token states green, reservation yellow, internal red, external grey).
 */
export type ThemeName = 'light' | 'dark';

export interface Palette {
  background: string;
  surface: string;
  text: string;
  muted: string;
  gridLine: string;
  prefill: string;
  decode: string;
  end: string;
  /** Idle slot: drawn as the background crossed with hatching, never colour alone. */
  idle: string;
  hatch: string;
  stalled: string;
  preempted: string;
  highlight: string;
  kvUsed: string;
  kvReserved: string;
  kvInternal: string;
  kvExternal: string;
  kvFree: string;
  /** Frame of a block several sequences share (prefix cache, parallel sampling), and of a free block still cached. */
  kvShared: string;
  /** Categorical hues for "blocks by owner"; a request keeps its hue for its whole life. */
  owners: readonly string[];
  series: readonly string[];
}

const owners = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#e15759', '#bab0ac'];

export const palettes: Record<ThemeName, Palette> = {
  light: {
    background: '#ffffff',
    surface: '#f6f7f9',
    text: '#1b1f24',
    muted: '#5b6570',
    gridLine: '#d5dae0',
    prefill: '#f2c12e',
    decode: '#3b7dd8',
    end: '#d93a2b',
    idle: '#ffffff',
    hatch: '#9aa3ad',
    stalled: '#e8912d',
    preempted: '#8e5cc4',
    highlight: '#111111',
    kvUsed: '#3f9b4f',
    kvReserved: '#e9b824',
    kvInternal: '#d9473a',
    kvExternal: '#8c939b',
    kvFree: '#eef1f4',
    kvShared: '#0b6e8a',
    owners,
    series: ['#3b7dd8', '#e8912d', '#3f9b4f', '#8e5cc4', '#d93a2b'],
  },
  dark: {
    background: '#14171b',
    surface: '#1d2126',
    text: '#e8ebef',
    muted: '#a0a9b3',
    gridLine: '#30363d',
    prefill: '#e9b824',
    decode: '#5b9bf0',
    end: '#f0594a',
    idle: '#14171b',
    hatch: '#6b7480',
    stalled: '#f0a040',
    preempted: '#b08ae0',
    highlight: '#ffffff',
    kvUsed: '#52b963',
    kvReserved: '#e9b824',
    kvInternal: '#f0594a',
    kvExternal: '#7d8791',
    kvFree: '#262b31',
    kvShared: '#5fd0ec',
    owners,
    series: ['#5b9bf0', '#f0a040', '#52b963', '#b08ae0', '#f0594a'],
  },
};

export function mix(a: string, b: string, t: number): string {
  const pa = parse(a);
  const pb = parse(b);
  const c = pa.map((v, i) => Math.round(v + (pb[i] - v) * t));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function parse(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG relative luminance contrast ratio, for the palette test. */
export function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = parse(hex).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
