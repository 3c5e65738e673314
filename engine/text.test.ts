import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBatchscopeError } from './errors';
import { decodeText, invalidUtf8At, parseJsonText } from './text';

const strict = new TextDecoder('utf-8', { fatal: true });
const validByReference = (b: Uint8Array) => {
  try {
    strict.decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('strict UTF-8', () => {
  it('agrees with the platform decoder on random and near-valid bytes', () => {
    const nearValid = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([s, at, byte]) => {
      const b = new TextEncoder().encode(s);
      if (b.length) b[at % b.length] = byte;
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), nearValid), (b) => {
        expect(invalidUtf8At(b) < 0).toBe(validByReference(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('names the line and column of the first bad byte, and refuses NULs and gzip', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('ok\nné\nab'), 0xc0, 0x80]);
    expect(() => decodeText(bytes, 'p.txt', 'bad-prompts')).toThrow('p.txt: is not text: byte 0xc0 at line 3, column 3 is not UTF-8');
    expect(() => decodeText(new Uint8Array([0x61, 0, 0x62]), 'b.bin', 'bad-prompts')).toThrow('b.bin: is not text: byte 0x00 at line 1, column 2 is a NUL byte (a binary file?)');
    expect(() => decodeText(new Uint8Array([0x1f, 0x8b, 8, 0]), 't.json.gz', 'bad-trace')).toThrow(/is gzip-compressed, not text: decompress it first/);
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]), 'bom.txt', 'bad-prompts')).toBe('hi');
  });

  it('decodes exactly what the platform decodes, or refuses with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          const text = decodeText(b, 'f', 'bad-prompts');
          expect(text).toBe(strict.decode(b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b));
        } catch (e) {
          expect(isBatchscopeError(e)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('JSON errors in plain words', () => {
  it.each([
    ['', 'w.json: is empty: expected a workload'],
    ['{"requests": [1, 2', 'w.json: ends early, at line 1, column 19 (cut off?): expected a workload'],
    ['{"a": "abc', 'w.json: ends early, at line 1, column 11 (cut off?): expected a workload'],
    ['{\n  "a": 1,\n  "b" 2\n}', 'w.json: is not valid JSON at line 3, column 7: expected a workload'],
    ['nope', 'w.json: is not valid JSON: expected a workload'],
  ])('%j', (text, message) => {
    expect(() => parseJsonText(text, 'w.json', 'bad-workload', 'a workload')).toThrow(message);
  });
});
