import { BatchscopeError, formatBytes } from '../../engine';

/**
 * Reads a downloaded file no further than it can be used: a body over `maxBytes`, or longer or
 * shorter than its first bytes declare (`sizeFromHead`: a checkpoint's header implies its size),
 * is refused as soon as that is known, so a link to a huge or endless file costs a line, not the
 * tab's memory. `sizeFromHead` may itself throw (a header that is not a checkpoint's).
 */
export async function readLimited(res: Response, what: string, url: string, maxBytes: number, sizeFromHead?: { bytes: number; size: (head: Uint8Array) => number }): Promise<Uint8Array> {
  const refuse = (why: string): never => {
    throw new BatchscopeError('bad-file', `the ${what} at ${url} ${why}`);
  };
  // A compressed response declares its compressed length, not what the body stream yields.
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const declared = encoded ? NaN : Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) refuse(`is ${formatBytes(declared)}, over the limit of ${formatBytes(maxBytes)}`);
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let limit = maxBytes;
  let expected: number | undefined;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      chunks.push(r.value);
      total += r.value.length;
      if (sizeFromHead && expected === undefined && total >= sizeFromHead.bytes) {
        expected = sizeFromHead.size(concat(chunks, total).subarray(0, sizeFromHead.bytes));
        if (Number.isFinite(declared) && declared !== expected) refuse(`is ${declared} bytes, but its header needs exactly ${expected}`);
        limit = Math.min(limit, expected);
      }
      if (total > limit) refuse(expected === undefined ? `is over the limit of ${formatBytes(maxBytes)}` : `is longer than its header says (${expected} bytes)`);
    }
  } catch (e) {
    void reader.cancel().catch(() => {});
    throw e;
  }
  return concat(chunks, total);
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
