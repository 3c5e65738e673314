/**
 * Number formats in the app, end to end: the KV pool given in MiB holds what the KV format buys,
 * the run plays on int8 weights and an int8 cache (CPU engine, WebGPU off: quick), and the
 * memory-traffic view counts the step's bytes and what each technique saves; switching the cache to
 * f32 live moves the run (no request lost) and the pool shrinks to the positions f32 can hold.
 */
import { describe, expect, it } from 'vitest';
import { appForSpec } from './app-server';

const app = appForSpec();

describe('number formats in the app', () => {
  it('runs int8 weights and an int8 KV cache in a MiB budget, and shows the bytes each step moves', async () => {
    const page = await app().open('backend=cpu&weights=int8&kv_dtype=int8&kv_memory_mib=0.5&requests=12&speed=max', { webgpu: false });
    // 0.5 MiB of int8 K/V (576 bytes per position) holds 455 blocks of 2 (the app's default block size).
    await page.waitForFunction(() => /Pool: 910 positions × 576 B = 0\.50 MiB/.test(document.querySelector('[data-testid=kv-pool-bytes]')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.click('[data-testid=play]');
    await page.waitForFunction(() => /^step \d+ · \d+ tokens? · [\d.]+ (KiB|MiB) in [\d.]+ ms \(measured\)$/.test(document.querySelector('[data-testid=traffic-step-a]')?.textContent ?? ''), null, { timeout: 120_000 });
    const techniques = (await page.textContent('[data-testid=traffic-techniques-a]')) ?? '';
    expect(techniques).toMatch(/int8 weights −[\d.]+ (KiB|MiB)/);
    expect(techniques).toMatch(/int8 KV cache −/);
    expect(techniques).toMatch(/fused attention −/);
    await page.selectOption('[data-testid=kv-dtype]', 'f32');
    await page.waitForFunction(() => /Pool: 256 positions × 2,048 B = 0\.50 MiB/.test(document.querySelector('[data-testid=kv-pool-bytes]')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=requests-done]')?.textContent === '12 / 12', null, { timeout: 240_000, polling: 250 });
    expect(app().takeErrors()).toEqual([]);
  });
});
