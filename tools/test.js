#!/usr/bin/env node
// `npm test`: everything CI runs. WebGPU tests need a Vulkan driver; on a machine without a GPU,
// Debian's chromium package provides SwiftShader's (and the browser for end-to-end tests), so we
// install it when it is missing and we can (root on Debian), and explain what to do otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function ensureChromium() {
  if (process.env.BATCHSCOPE_SKIP_CHROMIUM_INSTALL) return;
  if (existsSync(CHROMIUM) && existsSync(SWIFTSHADER_ICD)) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (process.platform === 'linux' && isRoot && hasApt) {
    console.log('[test] installing Debian chromium (headless browser + SwiftShader WebGPU driver)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', 'chromium'], { env }) !== 0) {
      console.error('[test] could not install chromium with apt-get; install it yourself: apt-get install chromium');
      process.exit(1);
    }
    return;
  }
  if (process.platform === 'linux') {
    console.error(
      `[test] ${CHROMIUM} is missing. The WebGPU and browser tests need Debian's chromium package ` +
        '(it ships the SwiftShader Vulkan driver used when there is no GPU). Run as root: apt-get install chromium',
    );
    process.exit(1);
  }
}

ensureChromium();
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const steps = [
  ['tsc', ['--noEmit']],
  ['vitest', ['run', ...process.argv.slice(2)]],
];
for (const [cmd, args] of steps) {
  console.log(`[test] ${cmd} ${args.join(' ')}`);
  const status = run(npx, ['--no-install', cmd, ...args]);
  if (status !== 0) process.exit(status);
}
