/**
 * The sources' claims, one click away, in the built app in headless Chromium: Anyscale's
 * experiment drawn with the very figures `batchscope experiment anyscale` prints; the default page
 * comparing KV managers (contiguous wastes most of what it reserves and caps the batch, paged
 * wastes under 5%); and on the CPU engine (WebGPU off) the honest device ratio and the sweep's
 * plain "no flat region".
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { main } from '../engine/cli/main';
import { appForSpec } from './app-server';

const app = appForSpec();

const text = (page: Page, id: string) => page.textContent(`[data-testid=${id}]`).then((t) => t ?? '');
const data = (page: Page, id: string, key: string) => page.getAttribute(`[data-testid=${id}]`, `data-${key}`).then(Number);

async function cliJson(...argv: string[]): Promise<{ caps: number[]; rows: { cap: number; strategy: string; kv: string; tokensPerSecond: number; ratioToStatic: number }[] }> {
  let out = '';
  const code = await main([...argv, '--json'], { out: (t) => void (out += t), err: () => undefined });
  expect(code).toBe(0);
  return JSON.parse(out);
}

async function bothDone(page: Page, total: number): Promise<void> {
  await page.waitForFunction(
    (n) => ['requests-done', 'requests-done-b'].every((id) => document.querySelector(`[data-testid=${id}]`)?.textContent?.trim() === `${n} / ${n}`),
    total,
    { timeout: 240_000 },
  );
}

describe('the claims of the sources, in the app', () => {
  it("draws Anyscale's experiment with the same figures as the CLI, labelled simulated", async () => {
    const page = await app().open('', { webgpu: false });
    await page.click('[data-testid=experiments-open]');
    await page.waitForFunction(() => /All 12 runs done/.test(document.querySelector('[data-testid=exp-status]')?.textContent ?? ''), null, { timeout: 240_000 });
    expect(await text(page, 'exp-provenance')).toBe('simulated (cost model)');
    expect(await page.locator('[data-testid=anyscale-chart] rect').count()).toBe(12);
    const cli = await cliJson('experiment', 'anyscale', '--backend', 'sim');
    expect(cli.caps).toEqual([32, 128, 512, 1536]);
    for (const row of cli.rows) {
      const id = `exp-${row.cap}-${row.strategy}-${row.kv}`;
      expect(await data(page, id, 'tps'), id).toBeCloseTo(row.tokensPerSecond, 6);
      expect(await data(page, id, 'ratio'), id).toBeCloseTo(row.ratioToStatic, 6);
      if (row.strategy === 'continuous') expect(await text(page, id)).toContain(`${row.ratioToStatic.toFixed(2)}×`);
    }
    const paged = await Promise.all(cli.caps.map((cap) => data(page, `exp-${cap}-continuous-paged`, 'ratio')));
    for (let i = 1; i < paged.length; i++) expect(paged[i]).toBeGreaterThan(paged[i - 1]);
    expect(await text(page, 'exp-differences')).toMatch(/naive implementation/);
    await page.click('[data-testid=exp-close]');
    expect(await page.locator('[data-testid=experiments]').count()).toBe(0);
  });

  it('compares KV managers on the default page: contiguous wastes > 60% and caps the batch, paged wastes < 5%; the CPU engine says why its ratio is small', async () => {
    // WebGPU off: the CPU engine, a compute-bound device. Only the display pace differs from the default page.
    const page = await app().open('speed=max', { webgpu: false });
    await page.click('[data-testid=compare-kv]');
    expect(await page.inputValue('[data-testid=compare-by]')).toBe('kv');
    await page.click('[data-testid=play]');
    await bothDone(page, 32);
    expect(await text(page, 'ratio-title')).toBe('Paged KV vs Contiguous KV:');
    const waste = { contiguous: await data(page, 'ratio-waste', 'a'), paged: await data(page, 'ratio-waste', 'b') };
    expect(waste.contiguous).toBeGreaterThan(60);
    expect(waste.paged).toBeLessThan(5);
    const busy = { contiguous: await data(page, 'ratio-busy', 'a'), paged: await data(page, 'ratio-busy', 'b') };
    expect(busy.contiguous).toBeLessThan(busy.paged);
    const note = await text(page, 'device-ratio-note');
    expect(note).toMatch(/Throughput measured here: \d[\d.]*×; this schedule on an NVIDIA A100 40GB \(OPT-13B, cost model\): \d[\d.]*×\. This device is compute-bound/);
  });

  it('shows the compute-bound note comparing strategies on the CPU engine, and a sweep with no flat region', async () => {
    const page = await app().open('requests=8&max_num_seqs=4&speed=max', { webgpu: false });
    await page.click('[data-testid=compare]');
    await page.click('[data-testid=play]');
    await bothDone(page, 8);
    expect(await text(page, 'ratio-title')).toBe('Continuous batching vs Static batching:');
    expect(await text(page, 'device-ratio-note')).toMatch(/compute-bound/);
    // At 1280x720 step time shares its place with memory traffic: a learner picks it first.
    await page.click('[data-testid=pick-bound]');
    await page.click('[data-testid=run-sweep]');
    await page.waitForFunction(() => /Measured on the CPU engine/.test(document.querySelector('[data-testid=sweep-result]')?.textContent ?? ''), null, { timeout: 120_000 });
    expect(await page.getAttribute('[data-testid=sweep-result]', 'data-verdict')).toBe('no-flat-region');
    expect(await text(page, 'sweep-bound-note')).toMatch(/^Why: this device is compute-bound\. Measured here, a step of \d+ tokens took ([\d.]+x the time of a \d+-token step|[\d.]+ ms \(shorter steps were under the timer's resolution\))/);
  });
});
