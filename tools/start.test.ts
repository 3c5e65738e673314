import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './testing/stories260k';
// @ts-expect-error plain JS module without types (tools/start.js imports it too)
import { choosePort } from './port.js';

let busy: Server;
let port: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen({ port: 0, host: '127.0.0.1' }, r));
  port = (busy.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => busy.close(() => r())));

describe('npm start on a busy port', () => {
  it('refuses a PORT that is in use in one line, before building (it built, then threw a Vite stack trace)', () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['tools/start.js'], { cwd: repoRoot, env: { ...process.env, PORT: String(port) }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`batchscope: port ${port} on 127.0.0.1 is already in use (another batchscope or dev server?); stop it, or choose another port: PORT=${port + 1} npm start`]);
    expect(r.stdout).toBe('');
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('moves the default port to the next free one and says so', async () => {
    const chosen = await choosePort({ env: {}, fallback: port });
    expect(chosen.port).toBeGreaterThan(port);
    expect(chosen.note).toBe(`port ${port} is in use; serving on ${chosen.port} instead (choose one with PORT=... npm start)`);
    expect(await choosePort({ env: { PORT: 'http' } })).toEqual({ error: 'PORT must be a port number (1-65535), got "http"' });
  });
});
