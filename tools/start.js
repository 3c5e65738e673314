#!/usr/bin/env node
// `npm start`: build the app and serve it on http://127.0.0.1:$PORT (default 5173, or the next free port).
import { build, preview } from 'vite';
import { choosePort } from './port.js';

const host = process.env.HOST || '127.0.0.1';
const chosen = await choosePort({ host });
if (chosen.error) {
  console.error(`batchscope: ${chosen.error}`);
  process.exit(1);
}
if (chosen.note) console.log(`batchscope: ${chosen.note}`);
await build({ logLevel: 'warn' });
try {
  const server = await preview({ preview: { port: chosen.port, strictPort: true, host } });
  server.printUrls();
  console.log('batchscope is running. Press Ctrl+C to stop.');
} catch (e) {
  // The port was free a build ago; something took it meanwhile (or the host cannot be listened on).
  console.error(`batchscope: cannot serve on ${host}:${chosen.port} (${e?.code ?? e?.message ?? e}); choose another port: PORT=${chosen.port + 1} npm start`);
  process.exit(1);
}
