/**
 * The app as `npm start` serves it (the production build), for the specs that drive the whole
 * page: one build and one preview server per spec file, and pages whose errors are collected.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium, pageErrors, repoRoot as root } from './browser';

export interface AppServer {
  /** Opens the app with a query string, in a fresh Chromium, and waits until the engine is ready. */
  open(query: string, opts?: { webgpu?: boolean; width?: number; height?: number; scale?: number; init?: (page: Page) => Promise<void> }): Promise<Page>;
  /** Errors of every page opened since the last call (uncaught, or console errors). */
  takeErrors(): string[];
  close(): Promise<void>;
}

export async function serveApp(): Promise<AppServer> {
  if (!existsSync(resolve(root, 'public/models/batchscope-tiny.bin'))) throw new Error('public/models/batchscope-tiny.bin is missing: the app serves the built-in model');
  const outDir = mkdtempSync(join(tmpdir(), 'batchscope-e2e-'));
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const server: PreviewServer = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port: 20000 + Math.floor(Math.random() * 20000), strictPort: false } });
  const base = server.resolvedUrls!.local[0];
  const browsers: Browser[] = [];
  let errors: string[][] = [];
  return {
    async open(query, { webgpu = true, width = 1280, height = 720, scale = 1, init } = {}) {
      const browser = await launchChromium({ webgpu });
      browsers.push(browser);
      const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: scale, acceptDownloads: true });
      errors.push(pageErrors(page));
      await init?.(page);
      await page.goto(`${base}?${query}`);
      // The page shows a recorded run while the model loads; the engine is ready when its status names a backend.
      await page.waitForFunction(() => /WebGPU on|CPU engine|Simulated/.test(document.querySelector('[data-testid=backend-status]')?.textContent ?? ''), null, { timeout: 120_000 });
      return page;
    },
    takeErrors() {
      const all = errors.flat();
      errors = [];
      return all;
    },
    async close() {
      for (const b of browsers) await b.close();
      await new Promise((r) => server.httpServer.close(r));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/**
 * The app for one spec file: built before its tests, closed after them, and after each test no
 * page may have logged an error. Returns a getter (the app exists once beforeAll has run).
 */
export function appForSpec(): () => AppServer {
  let app: AppServer | undefined;
  beforeAll(async () => {
    app = await serveApp();
  });
  afterEach(() => {
    expect(app!.takeErrors()).toEqual([]);
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => app!;
}
