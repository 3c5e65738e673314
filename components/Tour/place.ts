/**
 * Where the tour's card goes: beside the view it talks about, never over it. Pure, so every screen
 * size can be tested: the target's box, the card's size and the viewport in, the card's box out.
 */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

const GAP = 12;
const EDGE = 8;

export const overlap = (a: Box, b: Box): number => Math.max(0, Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top));

/**
 * Tries below, above, right and left of the target (narrower cards beside it when that is what
 * fits), keeps the first that stays on screen without touching the target, and otherwise the one
 * that covers least of it. No target: centred near the top.
 */
export function placeCard(target: Box | null, card: { width: number; height: number }, view: { width: number; height: number }): Box {
  const width = Math.min(card.width, view.width - 2 * EDGE);
  const clampX = (x: number, w: number) => Math.max(EDGE, Math.min(x, view.width - w - EDGE));
  const clampY = (y: number, h: number) => Math.max(EDGE, Math.min(y, view.height - h - EDGE));
  if (!target) return { left: clampX((view.width - width) / 2, width), top: clampY(view.height * 0.2, card.height), width, height: card.height };
  // A narrower card is taller: its text rewraps (roughly keeping the area).
  const sized = (w: number) => ({ width: w, height: Math.ceil((card.height * width) / w) });
  const candidates: Box[] = [
    { left: clampX(target.left, width), top: target.top + target.height + GAP, ...sized(width) },
    { left: clampX(target.left, width), top: target.top - GAP - card.height, ...sized(width) },
  ];
  for (const w of [width, 300, 260]) {
    if (w > width) continue;
    const s = sized(w);
    candidates.push({ left: target.left + target.width + GAP, top: clampY(target.top, s.height), ...s });
    candidates.push({ left: target.left - GAP - w, top: clampY(target.top, s.height), ...s });
  }
  const onScreen = (b: Box) => b.left >= EDGE - 0.5 && b.top >= EDGE - 0.5 && b.left + b.width <= view.width - EDGE + 0.5 && b.top + b.height <= view.height - EDGE + 0.5;
  const clear = candidates.find((b) => onScreen(b) && overlap(b, target) === 0);
  if (clear) return clear;
  // Nothing fits beside it: keep the card on screen and cover as little of the target as possible.
  const kept = candidates.map((b) => ({ ...b, left: clampX(b.left, b.width), top: clampY(b.top, b.height) }));
  return kept.reduce((best, b) => (overlap(b, target) < overlap(best, target) ? b : best));
}
