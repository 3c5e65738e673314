/**
 * The WebGPU engine in a real browser: headless Debian Chromium with WebGPU on SwiftShader opens
 * a page that Vite serves from source, which runs the engine on the page and in a worker against
 * the CPU engine on stories260K (read in place from ../shared). No WebGPU fails the test.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greedyReferences, storiesDir, storiesPath } from '../tools/testing/stories260k';
import { launchChromium, pageErrors, startDevServer, type DevServer } from './browser';
import type { ParityReport } from './pages/parity-check';

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDevServer({ allow: [storiesDir] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('WebGPU engine in headless Chromium', () => {
  it('matches the CPU engine on the page and in a worker, and reproduces the greedy reference', async () => {
    const [ref1, ref2] = greedyReferences();
    const page = await browser.newPage();
    const errors = pageErrors(page);
    const q = new URLSearchParams({ model: server.fileUrl(storiesPath('stories260K.bin')), tokenizer: server.fileUrl(storiesPath('tok512.bin')) });
    for (const p of [ref1.prompt, ref2.prompt, 'The dog']) q.append('prompt', p);
    await page.goto(server.url(`/e2e/pages/webgpu-parity.html?${q}`));
    await page.waitForFunction(() => window.__parity !== undefined, null, { timeout: 280_000, polling: 500 });
    const outcome = await page.evaluate(() => window.__parity!);
    if ('error' in outcome) throw new Error(`the page failed: ${outcome.error}`);
    expect(outcome.reports.map((r) => r.where)).toEqual(['page', 'worker']);
    for (const r of outcome.reports as ParityReport[]) {
      expect(r.adapter).toMatch(/^WebGPU on /);
      expect(r.cpuKernels).toBe('wasm');
      expect(r.rows).toBeGreaterThan(20);
      expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      expect(r.greedy.gpu).toBe(ref1.output.replace(/\n$/, ''));
      expect(r.greedy.cpu).toBe(r.greedy.gpu);
      expect(r.sampled.gpu).toEqual(r.sampled.cpu);
    }
    expect(errors).toEqual([]);
  });
});
