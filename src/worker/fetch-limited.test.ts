import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_HEADER_BYTES, readCheckpointHeader } from '../../engine/model/checkpoint';
import { storiesPath } from '../../tools/testing/stories260k';
import { readLimited } from './fetch-limited';

const header = { bytes: CHECKPOINT_HEADER_BYTES, size: (h: Uint8Array) => readCheckpointHeader(h, 'm').expectedBytes };

/** A body of `chunks` chunks of `bytes` (pulled lazily: an endless one counts how much was read). */
function body(first: Uint8Array, chunk: number, chunks = Infinity) {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= chunks) return c.close();
      c.enqueue(sent === 0 ? first : new Uint8Array(chunk));
      sent++;
    },
  });
  return { res: new Response(stream), sent: () => sent };
}

describe('downloads read no further than they can be used', () => {
  const real = new Uint8Array(readFileSync(storiesPath('stories260K.bin')));

  it('reads a checkpoint of exactly its declared size', async () => {
    const got = await readLimited(new Response(real), 'model', 'm.bin', 2 ** 31, header);
    expect(got.length).toBe(real.length);
    expect(Buffer.compare(got, real)).toBe(0);
  });

  it('stops an endless body (a /dev/zero behind a URL) at the limit', async () => {
    const b = body(new Uint8Array(1024), 1024);
    await expect(readLimited(b.res, 'tokenizer', 't.bin', 64 * 1024)).rejects.toThrow('the tokenizer at t.bin is over the limit of 64 KiB');
    expect(b.sent()).toBeLessThan(70);
  });

  it('stops a checkpoint as soon as it is longer than its header says, or refuses a header that is not one', async () => {
    const b = body(real, 1 << 16);
    await expect(readLimited(b.res, 'model', 'm.bin', 2 ** 31, header)).rejects.toThrow('is longer than its header says (1056540 bytes)');
    expect(b.sent()).toBe(2);
    await expect(readLimited(new Response(new Uint8Array(4096).fill(0xff)), 'model', 'x.bin', 2 ** 31, header)).rejects.toThrow(/m: header field dim = -1 must be a positive integer/);
  });

  it('refuses a declared length over the limit or unlike the header before reading', async () => {
    const over = new Response(new Uint8Array(10), { headers: { 'content-length': String(2 ** 30) } });
    await expect(readLimited(over, 'tokenizer', 't.bin', 64 * 2 ** 20)).rejects.toThrow('is 1 GiB, over the limit of 64 MiB');
    const wrong = new Response(real.slice(0, 100), { headers: { 'content-length': '100' } });
    await expect(readLimited(wrong, 'model', 'm.bin', 2 ** 31, header)).rejects.toThrow('is 100 bytes, but its header needs exactly 1056540');
    // A compressed response declares its compressed length: only the bytes read count then.
    const gz = new Response(real, { headers: { 'content-length': '1000', 'content-encoding': 'gzip' } });
    expect((await readLimited(gz, 'model', 'm.bin', 2 ** 31, header)).length).toBe(real.length);
  });
});
