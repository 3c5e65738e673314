#!/usr/bin/env node
// `npm start`: build the app and serve it on http://127.0.0.1:$PORT (default 5173).
import { build, preview } from 'vite';

const port = Number(process.env.PORT || 5173);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(1);
}
await build({ logLevel: 'warn' });
const server = await preview({ preview: { port, strictPort: true, host: process.env.HOST || '127.0.0.1' } });
server.printUrls();
console.log('batchscope is running. Press Ctrl+C to stop.');
