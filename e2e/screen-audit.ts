/**
 * What a screen check measures on a page, for the e2e specs: horizontal overflow, where the main
 * views start, text below the type scale's floor (DOM text and canvas labels), and axe-core's
 * accessibility audit. Runs in the page, so it sees what the browser rendered.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

export interface CanvasText {
  text: string;
  /** The label's size in CSS px: the font's size times the canvas transform's scale, over devicePixelRatio. */
  px: number;
  canvas: string;
}

/**
 * Records every canvas fillText with the size it is drawn at. Install before the page loads;
 * `takeCanvasText` returns (and forgets) what was drawn since the last call.
 */
export async function installCanvasProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const drawn: { text: string; px: number; canvas: string }[] = [];
    (window as unknown as { __canvasText: typeof drawn }).__canvasText = drawn;
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth?: number) {
      const m = /(\d+(?:\.\d+)?)px/.exec(this.font);
      const t = this.getTransform();
      const scale = Math.sqrt(Math.abs(t.a * t.d - t.b * t.c));
      const owner = this.canvas instanceof HTMLCanvasElement ? (this.canvas.closest('[data-testid]')?.getAttribute('data-testid') ?? 'canvas') : 'offscreen';
      // Off-screen canvases (PNG export, hatch tiles) are not on screen: only visible canvases count.
      if (owner !== 'offscreen' && drawn.length < 5000) drawn.push({ text: String(text), px: (m ? Number(m[1]) : 0) * scale / (window.devicePixelRatio || 1), canvas: owner });
      return maxWidth === undefined ? fill.call(this, text, x, y) : fill.call(this, text, x, y, maxWidth);
    };
  });
}

export async function takeCanvasText(page: Page): Promise<CanvasText[]> {
  return page.evaluate(() => {
    const a = (window as unknown as { __canvasText: CanvasText[] }).__canvasText;
    return a.splice(0, a.length);
  });
}

export interface ScreenFacts {
  scrollWidth: number;
  innerWidth: number;
  innerHeight: number;
  /** Top edge of each view asked for, in viewport px (null: not on the page). */
  tops: Record<string, number | null>;
  /** Visible DOM text smaller than the floor: "12.0px 'text' in tag.class". */
  smallText: string[];
  /** The smallest visible DOM text, px. */
  minTextPx: number;
}

/** Measures the page as it is now (it does not scroll). */
export function measure(page: Page, opts: { floorPx: number; views: string[] }): Promise<ScreenFacts> {
  return page.evaluate(({ floorPx, views }) => {
    const small: string[] = [];
    let min = Infinity;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el || el.closest('script, style, option')) continue;
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      range.selectNodeContents(n);
      // Rendered text has a box bigger than the 1 px of a screen-reader-only label.
      const box = range.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      min = Math.min(min, px);
      if (px < floorPx - 0.01) small.push(`${px}px '${text.slice(0, 40)}' in ${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]}`);
    }
    const tops: Record<string, number | null> = {};
    for (const v of views) tops[v] = document.querySelector(`[data-testid="${v}"]`)?.getBoundingClientRect().top ?? null;
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, innerHeight, tops, smallText: small, minTextPx: min };
  }, opts);
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's audit of the whole page: the violations of serious or critical impact. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}
