/**
 * A first visit as a learner or a teacher meets it, with the default settings: a run watchable at
 * the teaching pace (and the device's full speed one choice away), a topic that stays where the
 * visitor put it, and latency figures that do not invert mid-run. On WebGPU (SwiftShader here)
 * and with WebGPU off (the CPU engine).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSpec } from './app-server';

const app = appForSpec();

const text = (page: Page, id: string) => page.textContent(`[data-testid=${id}]`).then((t) => t ?? '');
const num = async (page: Page, id: string, attr: string) => Number(await page.getAttribute(`[data-testid=${id}]`, attr));

/** Waits until the live run has served every request, and returns when (ms since the epoch). */
async function waitDone(page: Page, timeout: number): Promise<number> {
  await page.waitForFunction(
    () => {
      const [done, total] = (document.querySelector('[data-testid=requests-done]')?.textContent ?? '').split(' / ');
      return document.querySelector('.app')?.getAttribute('data-source') === 'live' && Number(total) > 0 && done === total;
    },
    null,
    { timeout, polling: 50 },
  );
  return Date.now();
}

describe('a first visit', () => {
  for (const webgpu of [true, false]) {
    it(`plays the default run at a teaching pace, and at the device's full speed on request (${webgpu ? 'WebGPU' : 'CPU engine'})`, async () => {
      const page = await app().open('', { webgpu });
      expect(await text(page, 'backend-status')).toMatch(webgpu ? /WebGPU on/ : /CPU engine/);
      expect(await page.inputValue('[data-testid=speed]')).toBe('teach');
      await page.click('[data-testid=play]');
      const t0 = Date.now();
      await page.waitForSelector('.app[data-source=live]');
      await page.waitForTimeout(Math.max(0, 5000 - (Date.now() - t0)));
      const after5s = Number(await text(page, 'iteration-count'));
      const teachMs = (await waitDone(page, 90_000 - (Date.now() - t0))) - t0;
      const length = Number(await text(page, 'iteration-count'));
      expect(after5s).toBeGreaterThan(0);
      expect(after5s).toBeLessThanOrEqual(length / 3);
      expect(teachMs).toBeLessThan(90_000);

      // The same run at full speed: Reset, choose it in the pace control, Play.
      expect(await page.$$eval('[data-testid=speed] option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toContain('max');
      await page.click('[data-testid=reset]');
      await page.waitForFunction(() => /^0 \//.test(document.querySelector('[data-testid=requests-done]')?.textContent ?? ''));
      await page.selectOption('[data-testid=speed]', 'max');
      // Reset leaves the run paused: Play is there to press (a click would wait for it otherwise).
      expect(await page.isEnabled('[data-testid=play]')).toBe(true);
      expect(await text(page, 'iteration-count')).toBe('0');
      await page.click('[data-testid=play]');
      const t1 = Date.now();
      const fastMs = (await waitDone(page, 90_000)) - t1;
      const busyMs = await num(page, 'grid', 'data-clock-ms');
      expect(Number(await text(page, 'iteration-count'))).toBe(length);
      const speedup = teachMs / fastMs;
      console.log(`${webgpu ? 'WebGPU' : 'CPU'}: ${length} iterations, teaching pace ${(teachMs / 1000).toFixed(1)} s (${(length / (teachMs / 1000)).toFixed(1)}/s), full speed ${(fastMs / 1000).toFixed(1)} s (${speedup.toFixed(1)}x), engine busy ${(busyMs / 1000).toFixed(1)} s`);
      if (!webgpu) expect(speedup).toBeGreaterThanOrEqual(5);
      // SwiftShader emulates the GPU on two CPU cores: a step takes ~100-200 ms in Chromium, so the
      // device itself is barely faster than the teaching pace. Full speed must then show the
      // iterations as fast as the engine's busy time allows: nothing waits between them.
      else expect(speedup >= 5 || fastMs <= 1.5 * busyMs + 3000).toBe(true);
    });
  }

  it('keeps the topic the visitor picked while they point at the views and press Play', async () => {
    const page = await app().open('requests=8&speed=max');
    await page.selectOption('[data-testid=topic]', 'kv-waste');
    // At 1280x720 step time shares its place with memory traffic: showing it does not change the topic either.
    await page.click('[data-testid=pick-bound]');
    for (const sel of ['[data-testid=grid] canvas', '[data-testid=kv-map] canvas', '.below .chart svg', '[data-testid=sweep] svg']) {
      // hover() scrolls the view into the viewport first: a pointer moved to a box below the fold
      // reaches nothing (this failed under load, when a late layout pushed the sweep down).
      await page.locator(sel).first().hover();
    }
    await page.waitForSelector('[data-testid=topic-suggestion] button');
    await page.click('[data-testid=play]');
    await page.waitForTimeout(1500);
    expect(await page.inputValue('[data-testid=topic]')).toBe('kv-waste');
    expect(await text(page, 'lesson')).toMatch(/External fragmentation/);
    // The views offered their own lesson instead, as a link.
    expect(await page.getAttribute('[data-testid=topic-suggestion] button', 'aria-label')).toMatch(/^Read about what you pointed at: /);
    // Every lesson reads whole at 1280x720 in the reading view: no scrolling.
    await page.click('[data-testid=read-lesson]');
    const topics = await page.$$eval('[data-testid=topic] option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    for (let i = 0; i < topics.length; i++) {
      const fits = await page.$eval('[data-testid=reading-view]', (el) => el.scrollHeight <= el.clientHeight + 1);
      expect(fits, `lesson ${await text(page, 'reading-view')}`).toBe(true);
      await page.keyboard.press('ArrowRight');
    }
    await page.keyboard.press('Escape');
    expect(await page.$('[data-testid=reading-view]')).toBeNull();
    expect(await page.inputValue('[data-testid=topic]')).toBe('kv-waste');
  });

  it('never shows static batching a lower TTFT than continuous mid-run unless it is marked as a lower bound', async () => {
    const page = await app().open('compare=1');
    await page.click('[data-testid=play]');
    await page.waitForSelector('.app[data-source=live]');
    // About 40% of static batching's 240 iterations on the default workload.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=grid]')?.getAttribute('data-iterations')) >= 96, null, { timeout: 120_000 });
    await page.click('[data-testid=pause]');
    await page.waitForTimeout(800);
    const [st, co] = [await text(page, 'ttft'), await text(page, 'ttft-b')];
    const p50 = (s: string) => {
      const m = /^(≥ )?([\d.]+)/.exec(s)!;
      return { bound: !!m[1], seconds: Number(m[2]) / (/ s$/.test(s) ? 1 : 1000) };
    };
    console.log(`mid-run TTFT p50 · p99: static "${st}" (${await text(page, 'ttft-note')}), continuous "${co}"`);
    expect(await text(page, 'requests-done')).not.toMatch(/^32 \//);
    const [s, c] = [p50(st), p50(co)];
    expect(s.seconds >= c.seconds || s.bound).toBe(true);
    // Most of static's requests are still queued: its figure says so.
    expect(s.bound).toBe(true);
    expect(await text(page, 'ttft-note')).toMatch(/still waiting/);
  });
});
