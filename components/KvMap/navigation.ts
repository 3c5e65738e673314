/**
 * Keyboard inspection of the KV map: the same keys as the grid (arrows move, Home/End jump,
 * Enter selects the owner, Escape clears), over squares laid out row by row.
 */
export type KvKeyResult = { kind: 'move'; index: number } | { kind: 'select' } | { kind: 'clear' } | null;

export function kvKey(key: string, current: number | null, count: number, cols: number): KvKeyResult {
  if (count <= 0) return key === 'Escape' ? { kind: 'clear' } : null;
  const at = current === null ? -1 : Math.min(current, count - 1);
  const to = (i: number): KvKeyResult => ({ kind: 'move', index: Math.max(0, Math.min(count - 1, i)) });
  switch (key) {
    case 'ArrowRight':
      return to(at + 1);
    case 'ArrowLeft':
      return to(at < 0 ? 0 : at - 1);
    case 'ArrowDown':
      return to(at < 0 ? 0 : at + cols);
    case 'ArrowUp':
      return to(at < 0 ? 0 : at - cols);
    case 'Home':
      return to(0);
    case 'End':
      return to(count - 1);
    case 'Enter':
    case ' ':
      return { kind: 'select' };
    case 'Escape':
      return { kind: 'clear' };
  }
  return null;
}

/** Where a square sits on the canvas (CSS px), for the tooltip of a keyboard-inspected block. */
export function squareOrigin(index: number, grid: { cols: number; size: number }, gap = 1): { x: number; y: number } {
  const col = index % grid.cols;
  const row = Math.floor(index / grid.cols);
  return { x: col * (grid.size + gap), y: row * (grid.size + gap) };
}
