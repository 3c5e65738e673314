import type { ErrorCode } from './errors';
import { complain } from './input';

/**
 * Text files (prompts, workloads, traces) as users meet them: strict UTF-8, with a refusal that
 * names the file, line and column in plain words, and JSON errors that say "the file ends early"
 * or where the problem is, never the parser's excerpt of the bytes (which may be binary).
 */

/** Offset of the first byte that is not part of valid UTF-8, or -1. */
export function invalidUtf8At(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // Lead byte: sequence length and the range the second byte must fall in (no overlongs, no surrogates, <= U+10FFFF).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** 1-based line and column (in bytes) of a byte offset. */
function lineAt(b: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

const hex = (x: number) => `0x${x.toString(16).padStart(2, '0')}`;

/**
 * Decodes a text file strictly. Refuses, naming the file and line: gzip data, NUL bytes (binary
 * files), and bytes that are not UTF-8. A UTF-8 byte-order mark is dropped.
 */
export function decodeText(bytes: Uint8Array, source: string, code: ErrorCode): string {
  const bad = complain(code, source);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bad('is gzip-compressed, not text: decompress it first (gunzip)');
  const nul = bytes.indexOf(0);
  const invalid = invalidUtf8At(bytes);
  const first = nul >= 0 && (invalid < 0 || nul < invalid) ? nul : invalid;
  if (first >= 0) {
    const { line, column } = lineAt(bytes, first);
    const what = nul === first ? 'is a NUL byte (a binary file?)' : 'is not UTF-8 (a binary file, or text in another encoding: save it as UTF-8)';
    bad(`is not text: byte ${hex(bytes[first])} at line ${line}, column ${column} ${what}`);
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return new TextDecoder('utf-8').decode(bytes.subarray(start));
}

/** Line and column of a character offset in a string. */
function lineOfChar(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/**
 * JSON.parse with errors in plain words: empty, ends early (a cut-off download), or not JSON at a
 * line and column. Engines word their errors differently; positions are read from V8's
 * ("at position N") and Firefox's ("at line L column C").
 */
export function parseJsonText(text: string, source: string, code: ErrorCode, what: string): unknown {
  const bad = complain(code, source);
  if (text.trim() === '') bad(`is empty: expected ${what}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const end = text.trimEnd().length;
    const pos = /at position (\d+)/.exec(msg);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    if (/end of (JSON input|data)/i.test(msg) || (pos && Number(pos[1]) >= end)) bad(`ends early, at ${lineOfChar(text, end)} (cut off?): expected ${what}`);
    const where = pos ? ` at ${lineOfChar(text, Number(pos[1]))}` : lc ? ` at line ${lc[1]}, column ${lc[2]}` : '';
    return bad(`is not valid JSON${where}: expected ${what}`);
  }
}
