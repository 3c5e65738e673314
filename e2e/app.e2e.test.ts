/**
 * The app end to end, as `npm start` serves it (the production build), in headless Debian
 * Chromium with real WebGPU (SwiftShader): load, play, cells drawn, measured tokens/s, live
 * static <-> continuous switches with no request lost, a trace export validated, compare mode,
 * and the CPU fallback when WebGPU is off. Workloads are kept tiny: SwiftShader runs the
 * built-in model at a few dozen tokens per second on two cores.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSpec } from './app-server';

const app = appForSpec();

/** These checks are about the engine and the views, not the display pace: they run at full speed. */
const open = (query: string, webgpu = true): Promise<Page> => app().open(`${query}&speed=max`, { webgpu });

const attr = (page: Page, id: string, name: string) => page.getAttribute(`[data-testid=${id}]`, name).then(Number);
const text = (page: Page, id: string) => page.textContent(`[data-testid=${id}]`).then((t) => t ?? '');

/** Iterations of the live run so far (the numbers panel counts the live log only). */
async function liveIterations(page: Page, atLeast: number): Promise<number> {
  await page.waitForSelector('.app[data-source=live]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=iteration-count]')?.textContent) >= n, atLeast, { timeout: 180_000 });
  return Number(await text(page, 'iteration-count'));
}

async function waitIterations(page: Page, id: string, n: number): Promise<void> {
  await page.waitForFunction(([id, n]) => Number(document.querySelector(`[data-testid=${id}]`)?.getAttribute('data-iterations')) >= Number(n), [id, n], { timeout: 180_000 });
}

async function waitDone(page: Page, testid: string, total: number): Promise<void> {
  await page.waitForFunction(([id, t]) => document.querySelector(`[data-testid=${id}]`)?.textContent === `${t} / ${t}`, [testid, total], { timeout: 240_000, polling: 250 });
}

/** Share of the grid canvas painted in the decode blue: proof that cells were drawn, not just counted. */
function bluePixels(page: Page, id = 'grid'): Promise<number> {
  return page.evaluate((id) => {
    const c = document.querySelector(`[data-testid=${id}] canvas`) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let blue = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 150 && d[i] < 120 && d[i + 1] > 90 && d[i + 1] < 170) blue++;
    return blue / (d.length / 4);
  }, id);
}

async function exportTrace(page: Page): Promise<{ traceEvents: Record<string, unknown>[]; batchscope: { runs: { strategy: string; events: { strategy: string; slots: { requestId: number | null; finished: boolean }[] }[] }[] } }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-trace]')]);
  return JSON.parse(readFileSync((await download.path())!, 'utf8'));
}

/** The checks Perfetto's JSON importer relies on (Chrome Trace Event Format). */
function validateTrace(trace: Awaited<ReturnType<typeof exportTrace>>): void {
  expect(Array.isArray(trace.traceEvents)).toBe(true);
  const phases = new Set<string>();
  const open = new Map<string, number>();
  for (const e of trace.traceEvents) {
    expect(typeof e.name).toBe('string');
    expect(typeof e.pid).toBe('number');
    phases.add(e.ph as string);
    if (e.ph !== 'M') expect(Number.isFinite(e.ts)).toBe(true);
    if (e.ph === 'X') expect(e.dur as number).toBeGreaterThanOrEqual(0);
    if (e.ph === 'b' || e.ph === 'e') {
      // Spans are scoped to their process by id2.local (a plain id would be global in Perfetto).
      const id = (e.id2 as { local?: string } | undefined)?.local;
      expect(typeof id).toBe('string');
      const key = `${e.pid}/${id}/${e.name}`;
      open.set(key, (open.get(key) ?? 0) + (e.ph === 'b' ? 1 : -1));
    }
  }
  expect([...phases].sort()).toEqual(['C', 'M', 'X', 'b', 'e']);
  for (const [key, n] of open) expect(n, `async span ${key} is balanced`).toBe(0);
  expect(trace.traceEvents.some((e) => e.ph === 'M' && e.name === 'process_name')).toBe(true);
}

const finishedIds = (events: { slots: { requestId: number | null; finished: boolean }[] }[]) => events.flatMap((e) => e.slots.filter((s) => s.finished).map((s) => s.requestId!)).sort((a, b) => a - b);

describe('batchscope in the browser', () => {
  it('serves on WebGPU: plays, draws at least 30 iterations, and measures tokens/s', async () => {
    const page = await open('requests=6&max_num_seqs=4');
    expect(await text(page, 'backend-status')).toMatch(/WebGPU on .*swiftshader/i);
    await page.click('[data-testid=play]');
    // The recorded demo was on screen before Play: wait for the live run's own count first.
    await liveIterations(page, 30);
    await waitIterations(page, 'grid', 30);
    expect(await bluePixels(page)).toBeGreaterThan(0.05);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=tokens-per-second]')?.textContent) > 0);
    expect(Number(await text(page, 'tokens-per-second'))).toBeGreaterThan(0);
    expect(await page.textContent('.numbers .badge')).toBe('measured live');
    expect(Number(await text(page, 'iteration-count'))).toBeGreaterThanOrEqual(30);
    await page.click('[data-testid=pause]');
  });

  it('switches static <-> continuous live with no request lost, then exports a valid trace', async () => {
    const page = await open('requests=6&max_num_seqs=3&workload=uniform&rate=0');
    await page.click('[data-testid=play]');
    await liveIterations(page, 4);
    await page.selectOption('[data-testid=strategy]', 'static');
    await liveIterations(page, (await liveIterations(page, 4)) + 6);
    await page.selectOption('[data-testid=strategy]', 'continuous');
    await waitDone(page, 'requests-done', 6);
    const trace = await exportTrace(page);
    validateTrace(trace);
    const run = trace.batchscope.runs[0];
    expect(new Set(run.events.map((e) => e.strategy))).toEqual(new Set(['static', 'continuous']));
    expect(finishedIds(run.events)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('compares static and continuous side by side on the same workload', async () => {
    const page = await open('requests=6&max_num_seqs=3');
    await page.click('[data-testid=compare]');
    // Both lanes, their shared keys and the ratio fit the stage at 1280x720, the recorded run's
    // banner included: no lane spills over the next.
    await waitIterations(page, 'grid-b', 5);
    const rows = await page.$$eval('.compare-lanes > *', (els) => els.map((e) => [e.getBoundingClientRect().top, Math.max(...[e, ...e.children].map((c) => c.getBoundingClientRect().bottom))]));
    expect(rows).toHaveLength(4);
    for (let i = 1; i < rows.length; i++) expect(rows[i][0]).toBeGreaterThanOrEqual(rows[i - 1][1]);
    await page.click('[data-testid=play]');
    await waitDone(page, 'requests-done', 6);
    await waitDone(page, 'requests-done-b', 6);
    expect(await page.textContent('.lane-row:first-child .view-title')).toBe('Static batching');
    expect(await attr(page, 'grid', 'data-iterations')).toBeGreaterThan(await attr(page, 'grid-b', 'data-iterations'));
    expect(await text(page, 'ratio-throughput')).toMatch(/^\d+(\.\d+)?×$/);
    const trace = await exportTrace(page);
    expect(trace.batchscope.runs.map((r) => r.strategy)).toEqual(['static', 'continuous']);
  });

  it('falls back to the CPU engine when WebGPU is off, says so, and still serves on its WebAssembly SIMD kernels', async () => {
    const page = await open('requests=4&max_num_seqs=2', false);
    const status = await text(page, 'backend-status');
    expect(status).toMatch(/CPU engine: WebGPU could not start here/);
    // The fast path, not the JavaScript reference: the worker compiled the SIMD kernels (said on
    // hover in the top bar and in full beside the backend controls).
    expect(await page.getAttribute('[data-testid=backend-status]', 'title')).toMatch(/^CPU engine \(WebAssembly SIMD\): WebGPU could not start here/);
    expect(await page.textContent('p.backend-status')).toMatch(/^CPU engine \(WebAssembly SIMD\): WebGPU could not start here/);
    expect(await page.getAttribute('[data-testid=backend-status] a', 'href')).toMatch(/^https:\/\//);
    await page.click('[data-testid=play]');
    await waitDone(page, 'requests-done', 4);
    expect(Number(await text(page, 'tokens-per-second'))).toBeGreaterThan(0);
    // The batch-size sweep measures this device (here the CPU engine) and draws its curve; at
    // 1280x720 it shares its place with memory traffic, so the learner shows it first.
    await page.click('[data-testid=pick-bound]');
    await page.click('[data-testid=run-sweep]');
    await page.waitForFunction(() => /Measured on/.test(document.querySelector('[data-testid=sweep]')?.textContent ?? ''), null, { timeout: 120_000 });
    expect(await page.locator('[data-testid=sweep] path.sweep-line').count()).toBe(1);
  });
});
