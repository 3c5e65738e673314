/**
 * The mixture-of-experts models in the app: picked in the Model group, served on the CPU engine
 * and on WebGPU, the heat strip drawn under the grid, and the balanced and unbalanced checkpoints
 * showing different expert load on the same workload, read from the page as a learner reads it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSpec } from './app-server';
import { axeSerious, installCanvasProbe, measure, takeCanvasText } from './screen-audit';

const app = appForSpec();
const WORKLOAD = 'requests=16&max_num_seqs=8&speed=max';
const text = (page: Page, id: string) => page.textContent(`[data-testid=${id}]`).then((t) => t ?? '');

async function playToEnd(page: Page, total: number): Promise<void> {
  await page.click('[data-testid=play]');
  await page.waitForSelector('.app[data-source=live]');
  await page.waitForFunction((t) => document.querySelector('[data-testid=requests-done]')?.textContent === `${t} / ${t}`, total, { timeout: 240_000, polling: 250 });
}

/** Share of the strip's canvas painted (any cell of an expert that ran). */
function stripPainted(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid=expert-strip] canvas') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let blue = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 2] > d[i] + 40) blue++;
    return blue / (d.length / 4);
  });
}

describe('mixture of experts in the app', () => {
  it('serves tiny-moe on the CPU engine, draws the expert strip and shows expert numbers; the unbalanced checkpoint shows a more uneven load on the same workload', async () => {
    const page = await app().open(`model=tiny-moe&${WORKLOAD}`, { webgpu: false });
    expect(await page.inputValue('[data-testid=model]')).toBe('tiny-moe');
    // A dense run has no expert rows; the recorded demo is dense.
    expect(await page.isHidden('[data-testid=expert-strip]')).toBe(true);
    await playToEnd(page, 16);
    expect(await page.isVisible('[data-testid=expert-strip]')).toBe(true);
    expect(await stripPainted(page)).toBeGreaterThan(0.05);
    // Every figure says where it comes from: the routing was counted on this run.
    expect(await text(page, 'strip-clock')).toBe('measured');
    const touched = await text(page, 'experts-touched');
    expect(touched).toMatch(/^\d\.\d of 8$/);
    const balanced = Number(await text(page, 'expert-imbalance'));
    // Layer 2 alone, then back to all layers: the strip's own run figure says the same mean.
    await page.selectOption('[data-testid=expert-layer]', '1');
    expect(await text(page, 'strip-run')).toMatch(/max\/mean \d\.\d\d/);

    await page.selectOption('[data-testid=model]', 'tiny-moe-unbalanced');
    await page.waitForFunction(() => /tiny-moe-unbalanced/.test(document.querySelector('.topbar')?.textContent ?? ''), null, { timeout: 60_000 });
    // The switch resets the run: wait for it, so the figures read below cannot be the first run's.
    await page.waitForFunction(() => document.querySelector('[data-testid=requests-done]')?.textContent === '0 / 16', null, { timeout: 60_000 });
    await playToEnd(page, 16);
    const unbalanced = Number(await text(page, 'expert-imbalance'));
    expect(balanced).toBeGreaterThan(1);
    expect(unbalanced).toBeGreaterThan(balanced + 0.1);
    expect(app().takeErrors()).toEqual([]);
  });

  it('serves tiny-moe on WebGPU with contiguous KV and static batching', async () => {
    const page = await app().open(`model=tiny-moe&kv=contiguous&strategy=static&requests=6&max_num_seqs=3&speed=max`);
    expect(await text(page, 'backend-status')).toMatch(/WebGPU on/);
    await playToEnd(page, 6);
    expect(await text(page, 'experts-touched')).toMatch(/of 8/);
    expect(app().takeErrors()).toEqual([]);
  });

  it('fits the expert views on phone, zoomed projector, laptop and full HD, every label at the type scale', async () => {
    const page = await app().open(`model=tiny-moe&${WORKLOAD}`, { webgpu: false, init: installCanvasProbe });
    await playToEnd(page, 16);
    const problems: string[] = [];
    for (const [width, height] of [[390, 844], [1024, 576], [1280, 720], [1920, 1080]] as const) {
      await page.setViewportSize({ width: width + 10, height });
      await takeCanvasText(page);
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(450);
      const at = `${width}x${height}`;
      const f = await measure(page, { floorPx: 12, views: ['grid', 'expert-strip'] });
      if (f.scrollWidth > f.innerWidth) problems.push(`${at}: scrollWidth ${f.scrollWidth} > ${f.innerWidth}`);
      problems.push(...f.smallText.map((t) => `${at}: ${t}`));
      const strip = (await takeCanvasText(page)).filter((c) => c.canvas === 'expert-strip');
      if (!strip.some((c) => c.text === 'e0') || !strip.some((c) => c.text === 'e7')) problems.push(`${at}: the strip named no experts`);
      problems.push(...strip.filter((c) => c.px < 12 - 0.01).map((c) => `${at}: strip label '${c.text}' at ${c.px}px`));
      if (width === 1280) problems.push(...(await axeSerious(page)).map((v) => `${at}: axe ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(' | ')}`));
    }
    expect(problems.join('\n')).toBe('');
    expect(app().takeErrors()).toEqual([]);
  });
});
