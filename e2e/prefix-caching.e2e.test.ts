/**
 * Shared KV blocks in the app: the system-prompt preset with prefix caching on, served by the
 * built-in model in headless Chromium. The KV map frames blocks several requests share (and dashes
 * free ones still cached), Numbers give the hit rate and the prompt tokens served from the cache.
 * The CPU engine serves (WebGPU off): the views are what is tested here; GPU output identity with
 * caching on and off is tested in engine/backend/webgpu/sharing.gpu.test.ts.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSpec } from './app-server';

const app = appForSpec();
// At the teaching pace, not full speed: with the retrained model's short answers the requests that share the
// cached preamble overlap for a few iterations only, which full speed can run between two frames of the KV map.
const open = (query: string): Promise<Page> => app().open(query, { webgpu: false });
const text = (page: Page, id: string) => page.textContent(`[data-testid=${id}]`).then((t) => t ?? '');

describe('prefix caching in the app (system-prompt preset)', () => {
  it('shows shared blocks on the KV map and the hit rate in Numbers', async () => {
    const page = await open('workload=system-prompt&requests=6&max_num_seqs=3&prefix_caching=true');
    expect(await page.isChecked('[data-testid=prefix-caching]')).toBe(true);
    expect(await page.$$eval('.kv-view .legend li', (items) => items.map((i) => i.textContent))).toEqual(expect.arrayContaining(['shared', 'cached']));
    await page.click('[data-testid=play]');
    await page.waitForSelector('.app[data-source=live]');
    // The second batch of three finds the preamble cached and shares its blocks while it runs.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=kv-map]')?.getAttribute('data-shared-blocks')) > 0, null, { timeout: 180_000, polling: 20 });
    await page.waitForFunction(() => document.querySelector('[data-testid=requests-done]')?.textContent === '6 / 6', null, { timeout: 240_000, polling: 250 });
    const hit = await text(page, 'hit-rate');
    expect(hit).toMatch(/^\d+(\.\d+)?%$/);
    expect(parseFloat(hit)).toBeGreaterThan(20);
    const [computed, cached] = (await text(page, 'prefill-from-cache')).match(/\d+/g)!.map(Number);
    // Three requests found the preamble's full blocks cached (with 2-token blocks also whatever opening their
    // question shares with an earlier one: capital and count-down questions share different amounts).
    expect(cached).toBeGreaterThanOrEqual(3 * 184);
    expect(computed).toBeGreaterThan(0);
    // Every request has finished: their blocks are free again, the preamble's still cached for the next.
    expect(Number(await page.getAttribute('[data-testid=kv-map]', 'data-cached-blocks'))).toBeGreaterThanOrEqual(11);
    await page.screenshot({ path: 'test-results/prefix-caching.png' });
  });
});
