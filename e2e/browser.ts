/**
 * How end-to-end tests get a browser and a page server, shared by every e2e spec: Debian's
 * Chromium (never a downloaded browser) through playwright-core, with WebGPU on SwiftShader when
 * the machine has no GPU, and Vite serving the repository's pages straight from source.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer } from 'vite';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = '/usr/bin/chromium';
export const BASE_ARGS = ['--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** WebGPU on SwiftShader's Vulkan: navigator.gpu gives {vendor: 'google', architecture: 'swiftshader'}. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'];

export async function launchChromium({ webgpu = true }: { webgpu?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: end-to-end tests need Debian's chromium package (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, ...(webgpu ? WEBGPU_ARGS : [])] });
}

/** Uncaught errors and console errors of a page, for a test to assert there were none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

export interface DevServer {
  /** The server's URL for a path of the repository, e.g. /e2e/pages/x.html. */
  url(path: string): string;
  /** The URL under which Vite serves a file outside the repository that `allow` lets through. */
  fileUrl(absolutePath: string): string;
  close(): Promise<void>;
}

/**
 * A Vite dev server on a free port over the repository, without the app's config: pages import
 * engine sources directly. `allow` names folders outside the repository it may serve (test data
 * such as ../shared, read in place, never copied). Its cache lives in a temporary folder, so
 * tests never write into the node_modules others share.
 */
export async function startDevServer({ allow = [] }: { allow?: string[] } = {}): Promise<DevServer> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'batchscope-vite-'));
  const server = await createServer({
    configFile: false,
    root: repoRoot,
    cacheDir,
    logLevel: 'warn',
    optimizeDeps: { noDiscovery: true, include: [] },
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, fs: { allow: [repoRoot, ...allow] } },
  });
  await server.listen();
  const base = server.resolvedUrls?.local[0]?.replace(/\/$/, '');
  if (!base) throw new Error('the Vite dev server did not report its URL');
  return {
    url: (path) => base + path,
    fileUrl: (p) => `${base}/@fs${resolve(p)}`,
    close: async () => {
      await server.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
