#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so `npx batchscope` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli/main.ts');
const { processIo } = await import('../engine/cli/io.ts');
const code = await main(process.argv.slice(2), processIo);
// Dawn (WebGPU in Node) can keep the event loop alive; leave once stdout has drained.
process.stdout.write('', () => process.exit(code));
