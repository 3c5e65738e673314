/**
 * The page on the screens people teach and learn on: a phone (390x844), a projector zoomed to 125%
 * (1024x576), a laptop or projector (1280x720) and full HD, in light and dark, in the states a
 * visitor meets (first visit, playing, compare, a tour step, a dialog, presenter mode, the settings
 * drawer). For each: nothing cut horizontally, the grid and the KV map start on the first screen,
 * no text below the type scale's floor (DOM text and canvas labels), and no serious or critical
 * axe-core violation. One browser and one page for all of it: only the viewport and the colour
 * scheme change between checks. Screenshots go to test-results/screens/ (gitignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appForSpec } from './app-server';
import { repoRoot } from './browser';
import { axeSerious, installCanvasProbe, measure, takeCanvasText } from './screen-audit';

const SIZES = [
  [390, 844],
  [1024, 576],
  [1280, 720],
  [1920, 1080],
] as const;
const OUT = join(repoRoot, 'test-results/screens');
const app = appForSpec();
let page: Page;

interface Check {
  floorPx?: number;
  sizes?: readonly (readonly [number, number])[];
  /** Where the page is scrolled to before measuring: the top, or wherever the state put it. */
  keepScroll?: boolean;
  /** Extra checks at each size; returns problems. */
  extra?: (size: string) => Promise<string[]>;
}

/** Every size in light and dark: returns what is wrong, one line per problem, and writes screenshots. */
async function checkScreens(state: string, { floorPx = 12, sizes = SIZES, keepScroll = false, extra }: Check = {}): Promise<string[]> {
  const problems: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [width, height] of sizes) {
      const at = `${state} ${width}x${height} ${scheme}`;
      // Labels are checked as drawn after a resize: make sure there is one.
      const now = page.viewportSize();
      if (now?.width === width && now.height === height) await page.setViewportSize({ width: width + 10, height });
      await takeCanvasText(page);
      await page.setViewportSize({ width, height });
      if (!keepScroll) await page.evaluate(() => window.scrollTo(0, 0));
      // The canvases redraw on the next frame after a resize, the charts a little later.
      await page.waitForTimeout(450);
      expect(await page.evaluate(() => document.documentElement.dataset.theme), at).toBe(scheme);
      const f = await measure(page, { floorPx, views: ['grid', 'kv-map'] });
      if (f.scrollWidth > f.innerWidth) problems.push(`${at}: scrollWidth ${f.scrollWidth} > ${f.innerWidth}`);
      for (const [view, top] of Object.entries(f.tops)) if (top === null || top >= f.innerHeight) problems.push(`${at}: ${view} starts at ${top}, below the first screen (${f.innerHeight})`);
      problems.push(...f.smallText.map((t) => `${at}: ${t}`));
      const drawn = await takeCanvasText(page);
      if (!drawn.some((c) => c.canvas === 'grid')) problems.push(`${at}: the grid drew no labels after the resize`);
      problems.push(...drawn.filter((c) => c.px < floorPx - 0.01).map((c) => `${at}: canvas label '${c.text}' at ${c.px}px in ${c.canvas}`));
      problems.push(...(await axeSerious(page)).map((v) => `${at}: axe ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(' | ')}`));
      if (extra) problems.push(...(await extra(at)));
      await page.screenshot({ path: join(OUT, `${state.replace(/\W+/g, '-')}-${width}x${height}-${scheme}.png`) });
    }
  }
  return problems;
}

const click = (id: string) => page.click(`[data-testid=${id}]`);

describe('the page on phone, projector, laptop and full HD screens', () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    // The CPU engine (WebGPU off): the fallback's status chip is the widest the top bar must hold.
    page = await app().open('speed=slow', { webgpu: false, init: installCanvasProbe });
  });

  it('first visit: the recorded run', async () => {
    expect(await page.getAttribute('.app', 'data-source')).toBe('recorded');
    expect((await checkScreens('first visit')).join('\n')).toBe('');
  });

  it('playing a live run', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await click('play');
    await page.waitForSelector('.app[data-source=live]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration-count]')?.textContent) > 0);
    // Tooltips stay inside the page too: hover near the right edge of the grid and of the KV map.
    const tooltips = async (at: string) => {
      const out: string[] = [];
      for (const [view, fy] of [
        ['grid', 0.6],
        ['kv-map', 0.02],
      ] as const) {
        const box = (await page.locator(`[data-testid=${view}] canvas`).boundingBox())!;
        await page.locator(`[data-testid=${view}] canvas`).scrollIntoViewIfNeeded();
        let shown = false;
        // The rightmost cell or block under the pointer shows the widest-reaching tooltip.
        for (let fx = 0.97; fx > 0.1; fx -= 0.05) {
          const b = (await page.locator(`[data-testid=${view}] canvas`).boundingBox())!;
          await page.mouse.move(b.x + b.width * fx, b.y + Math.max(2, b.height * fy));
          if (!(await page.isVisible(`[data-testid=${view}] .tooltip`))) continue;
          shown = true;
          const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
          if (sw > iw) out.push(`${at}: hovering the ${view} widens the page to ${sw}`);
          break;
        }
        if (!shown) out.push(`${at}: no tooltip on the ${view} (${Math.round(box.width)} px wide)`);
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.mouse.move(0, 0);
      return out;
    };
    expect((await checkScreens('playing', { extra: tooltips })).join('\n')).toBe('');
  });

  it('a tour step: the run pauses and the card never covers the view it rings', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme: 'light' });
    await click('tour-start');
    await expect.poll(() => page.getAttribute('.app', 'data-source')).toBe('live');
    await expect.poll(() => page.isDisabled('[data-testid=pause]')).toBe(true);
    for (let i = 0; i < 2; i++) await page.locator('[data-testid=tour] button.primary').click();
    expect(await page.textContent('#tour-title')).toBe('The grid');
    const covers = async (at: string) => {
      const [card, grid] = await Promise.all([page.locator('[data-testid=tour]').boundingBox(), page.locator('[data-testid=grid]').boundingBox()]);
      const ox = Math.min(card!.x + card!.width, grid!.x + grid!.width) - Math.max(card!.x, grid!.x);
      const oy = Math.min(card!.y + card!.height, grid!.y + grid!.height) - Math.max(card!.y, grid!.y);
      return ox > 0 && oy > 0 ? [`${at}: the tour card covers the grid it points at`] : [];
    };
    expect((await checkScreens('tour step', { keepScroll: true, extra: covers })).join('\n')).toBe('');
    await page.keyboard.press('Escape');
    expect(await page.$('[data-testid=tour]')).toBeNull();
  });

  it('every tour step rings a view that is on screen, at laptop sizes where step time and memory traffic share a place', async () => {
    const problems: string[] = [];
    for (const [width, height] of [
      [1280, 720],
      [1366, 768],
    ] as const) {
      await page.setViewportSize({ width, height });
      await click('tour-start');
      for (let step = 0; ; step++) {
        const title = await page.textContent('#tour-title');
        // The card is placed a moment after the step changes (the pair shows the view it talks about first).
        await page.waitForTimeout(350);
        const ring = await page.evaluate(() => {
          const r = document.querySelector('.tour-ring') as HTMLElement;
          return r.hidden ? null : r.getBoundingClientRect().toJSON();
        });
        const targeted = await page.getAttribute('[data-testid=tour]', 'data-target');
        if (targeted && !ring) problems.push(`${width}x${height}: step ${step + 1} '${title}' rings nothing (target ${targeted})`);
        if (ring && (ring.width < 8 || ring.height < 8 || ring.bottom <= 0 || ring.top >= height)) problems.push(`${width}x${height}: step ${step + 1} '${title}' rings a box off screen`);
        const next = page.locator('[data-testid=tour] button.primary');
        if ((await next.textContent())?.match(/done|finish|close/i)) break;
        await next.click();
        if (step > 40) break;
      }
      await page.keyboard.press('Escape');
    }
    expect(problems.join('\n')).toBe('');
  });

  it('a dialog: the grid and the KV map as tables', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await click('grid-table');
    await page.waitForSelector('[data-testid=data-table]');
    expect(await page.textContent('[data-testid=grid-summary]')).toMatch(/^Iteration \d+, continuous batching: \d+ slots? decoding/);
    expect(await page.locator('[data-testid=data-table] table').first().locator('tbody tr').count()).toBe(8);
    expect((await checkScreens('dialog')).join('\n')).toBe('');
    await page.keyboard.press('Escape');
    expect(await page.$('[data-testid=data-table]')).toBeNull();
  });

  it('compare mode', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await click('compare');
    await click('play');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=grid-b]')?.getAttribute('data-iterations')) > 0);
    expect((await checkScreens('compare')).join('\n')).toBe('');
  });

  it('presenter mode: in the URL, only the run controls, 14 px type at least', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await click('presenter');
    expect(new URL(page.url()).searchParams.get('present')).toBe('1');
    for (const id of ['tour-start', 'export-trace', 'theme', 'strategy', 'run-sweep', 'topic']) expect(await page.isVisible(`[data-testid=${id}]`), id).toBe(false);
    for (const id of ['play', 'pause', 'step', 'speed', 'compare', 'presenter']) expect(await page.isVisible(`[data-testid=${id}]`), id).toBe(true);
    expect((await checkScreens('presenter compare', { floorPx: 14 })).join('\n')).toBe('');
    await click('compare');
    expect((await checkScreens('presenter', { floorPx: 14 })).join('\n')).toBe('');
    await click('presenter');
    expect(new URL(page.url()).searchParams.get('present')).toBeNull();
  });

  it('the settings drawer of narrow screens, without animation when motion is reduced', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.isVisible('[data-testid=strategy]')).toBe(false);
    await click('settings-toggle');
    await page.waitForSelector('[data-testid=strategy]', { state: 'visible' });
    expect(await page.$eval('.controls', (el) => getComputedStyle(el).transitionDuration.split(',').every((d) => parseFloat(d) === 0))).toBe(true);
    // Focus moved into the drawer: the keyboard reaches the settings at once.
    expect(await page.evaluate(() => !!document.activeElement?.closest('.controls'))).toBe(true);
    expect((await checkScreens('settings drawer', { sizes: [SIZES[0], SIZES[1]] })).join('\n')).toBe('');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=strategy]', { state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('settings-toggle');

    // A tour step about a setting opens the drawer, rings the setting beside its card, and closes it after.
    for (const [width, height] of [SIZES[1], SIZES[0]]) {
      await page.setViewportSize({ width, height });
      await click('tour-start');
      while ((await page.textContent('#tour-title')) !== 'Chunked prefill') await page.locator('[data-testid=tour] button.primary').click();
      await page.waitForSelector('.app.settings-open');
      await page.waitForTimeout(300);
      const [card, target, ring] = await Promise.all(['[data-testid=tour]', '[data-tour=chunked-prefill]', '.tour-ring'].map((sel) => page.locator(sel).boundingBox()));
      expect(ring, `${width}: the setting is ringed`).not.toBeNull();
      expect(Math.abs(ring!.y + 4 - target!.y), `${width}: the ring is on the setting`).toBeLessThan(2);
      const apart = card!.y >= target!.y + target!.height || card!.y + card!.height <= target!.y || card!.x >= target!.x + target!.width || card!.x + card!.width <= target!.x;
      expect(apart, `${width}: the card is beside the setting`).toBe(true);
      await page.keyboard.press('Escape');
      await page.waitForSelector('.app:not(.settings-open)');
      expect(await page.$('[data-testid=tour]')).toBeNull();
    }
  });

  it('draws canvas labels at the same CSS size on a high-density screen (devicePixelRatio 2), sharp', async () => {
    const hidpi = await app().open('present=1&speed=slow', { webgpu: false, scale: 2, init: installCanvasProbe });
    await hidpi.waitForFunction(() => Number(document.querySelector('[data-testid=grid]')?.getAttribute('data-iterations')) > 0);
    await takeCanvasText(hidpi);
    await hidpi.setViewportSize({ width: 1024, height: 576 });
    await hidpi.waitForTimeout(450);
    const drawn = (await takeCanvasText(hidpi)).filter((c) => c.canvas === 'grid');
    expect(drawn.length).toBeGreaterThan(0);
    // Presenter mode: 14 CSS px (28 device px), whatever the density.
    expect(Math.min(...drawn.map((c) => c.px))).toBeGreaterThanOrEqual(14);
    const [backing, css] = await hidpi.$eval('[data-testid=grid] canvas', (c) => [(c as HTMLCanvasElement).width, c.getBoundingClientRect().width]);
    expect(backing).toBe(Math.round(css * 2));
    await hidpi.close();
  });
});
