import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BatchscopeError } from '../../engine/errors';
import { ServingEngine } from '../../engine/serve/engine';
import { HashBackend } from '../../engine/serve/testing/hash-backend';
import { drain, testRequest } from '../../engine/serve/testing/requests';
import { exportChromeTrace } from '../../engine/serve/trace';
import { exportProblem, importProblem, importTraceFile } from './trace-io';

const file = (name: string, data: Uint8Array<ArrayBuffer> | string) => Object.assign(new Blob([data]), { name });
const refusal = (f: Blob & { name: string }) =>
  importTraceFile(f).then(
    () => '',
    (e: unknown) => importProblem(f.name, e),
  );

describe('importing a file that is not a batchscope trace', () => {
  it('says a 50 MB file of random bytes is not text, without echoing its bytes', async () => {
    const msg = await refusal(file('random.bin', randomBytes(50 * 2 ** 20)));
    expect(msg).toMatch(/^Could not replay random\.bin: is not text: byte 0x[0-9a-f]{2} at line \d+, column \d+ (is not UTF-8|is a NUL byte)/);
    expect(msg).toMatch(/^[\x20-\x7e]{1,300}$/);
  });

  it('says a cut-off trace ends early, instead of a parser position', async () => {
    const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 8, blockSize: 4 }), requests: [0, 1].map((id) => testRequest(id, 3, 6)) });
    const events = await drain(engine);
    const text = exportChromeTrace([{ label: 'l', strategy: 'continuous', backend: 'cpu', kvManager: 'paged', events, requests: engine.records() }]);
    const msg = await refusal(file('cut.json', text.slice(0, Math.floor(text.length * 0.7))));
    expect(msg).toMatch(/^Could not replay cut\.json: ends early, at line \d+, column \d+ \(cut off\?\): expected a trace exported by batchscope \(JSON\)$/);
    expect(msg).not.toMatch(/position/);
  });

  it('refuses a slot field a view does arithmetic with when it is not a number (the fuzz suite found a deep array there overflowing the stack)', async () => {
    const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 8, blockSize: 4 }), requests: [testRequest(0, 3, 4)] });
    const events = await drain(engine);
    const text = exportChromeTrace([{ label: 'l', strategy: 'continuous', backend: 'cpu', kvManager: 'paged', events, requests: engine.records() }]);
    const doc = JSON.parse(text) as { batchscope: { runs: { events: { slots: { startPos?: unknown }[] }[] }[] } };
    doc.batchscope.runs[0].events[0].slots[0].startPos = '@@deep@@';
    const bad = JSON.stringify(doc).replace('"@@deep@@"', `${'['.repeat(5000)}1${']'.repeat(5000)}`);
    expect(await refusal(file('deep.json', bad))).toBe('Could not replay deep.json: run 0 event 0.slots[0].startPos must be an integer in [0, 1048576], got a list of 1 item');
  });

  it('says other JSON is not a batchscope trace, and refuses a file over the limit before reading it', async () => {
    expect(await refusal(file('perfetto.json', '{"traceEvents": []}'))).toBe(
      'Could not replay perfetto.json: is not a batchscope trace: it has no "batchscope" section (only traces exported by batchscope can be replayed)',
    );
    const huge = Object.assign(new Blob(['x']), { name: 'huge.json' });
    Object.defineProperty(huge, 'size', { value: 300 * 2 ** 20 });
    huge.arrayBuffer = () => Promise.reject(new Error('read a file over the limit'));
    expect(await refusal(huge)).toBe('Could not replay huge.json: is 300 MiB, over the limit of 256 MiB for a trace');
  });

  it('never shows internals: a bug reads as "could not be read", a huge export as too large', () => {
    expect(importProblem('t.json', new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe('Could not replay t.json: it could not be read as a batchscope trace.');
    expect(importProblem('t.json', new BatchscopeError('bad-trace', 't.json: holds no runs'))).toBe('Could not replay t.json: holds no runs');
    expect(exportProblem(new RangeError('Invalid string length'))).toMatch(/the run is too large for one file/);
  });
});
