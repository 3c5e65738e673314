// Finding a port for `npm start` before the build, so a busy port costs one line, not a build and a stack trace.
import { createServer } from 'node:net';

/** Resolves true when `port` can be listened on at `host` right now. */
export function portIsFree(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first free port of `tries` starting at `port`, or null. */
export async function firstFreePort(port, host, tries) {
  for (let p = port; p < port + tries && p <= 65535; p++) if (await portIsFree(p, host)) return p;
  return null;
}

/**
 * The port to serve on and what to say about it. A port the user named (PORT=...) is used or
 * refused; the default moves to the next free one, and says so.
 */
export async function choosePort({ env = process.env, fallback = 5173, host = '127.0.0.1', tries = 20 } = {}) {
  const named = env.PORT !== undefined && env.PORT !== '';
  const wanted = named ? Number(env.PORT) : fallback;
  if (!Number.isInteger(wanted) || wanted <= 0 || wanted > 65535) return { error: `PORT must be a port number (1-65535), got "${env.PORT}"` };
  if (named) {
    if (await portIsFree(wanted, host)) return { port: wanted };
    return { error: `port ${wanted} on ${host} is already in use (another batchscope or dev server?); stop it, or choose another port: PORT=${wanted + 1} npm start` };
  }
  const port = await firstFreePort(wanted, host, tries);
  if (port === null) return { error: `ports ${wanted}-${wanted + tries - 1} on ${host} are all in use; choose a free one: PORT=8080 npm start` };
  return port === wanted ? { port } : { port, note: `port ${wanted} is in use; serving on ${port} instead (choose one with PORT=... npm start)` };
}
