#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so `npx batchscope` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// A failed write to stdout (`> /dev/full`, a full disk) arrives as an event: remember it, so the
// command cannot report success with its output lost.
let stdoutError = null;
process.stdout.on('error', (e) => void (stdoutError ??= e));

register();
const { main } = await import('../engine/cli/main.ts');
const { processIo } = await import('../engine/cli/io.ts');
const code = await main(process.argv.slice(2), processIo);
// Dawn (WebGPU in Node) can keep the event loop alive; leave once stdout has drained.
process.stdout.write('', () =>
  setImmediate(() => {
    // A closed pipe (`| head`) is the reader's choice, not worth a message.
    if (stdoutError && stdoutError.code !== 'EPIPE') process.stderr.write(`batchscope: could not write the output to stdout (${stdoutError.code ?? stdoutError.message}); it is incomplete\n`);
    process.exit(stdoutError ? code || 1 : code);
  }),
);
