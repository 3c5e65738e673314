/**
 * The fuzz suite's building blocks (test-only): mutations of real inputs (truncations, bit flips,
 * huge numbers, wrong types, deep nesting) and the one property every reader must keep: it returns,
 * or throws a BatchscopeError, within a time bound. Anything else (a TypeError, a RangeError from
 * an allocation sized by an unchecked field, a stack overflow, a hang) fails with the input.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { isBatchscopeError } from '../../engine/errors';

/** Each case must finish within this (a hang or a giant allocation takes far longer). */
export const CASE_MS = 2000;

/**
 * fast-check settings for the suite: bounded in runs and in wall time (the suite must stay under a
 * minute). BATCHSCOPE_FUZZ_SCALE=20 multiplies both, for a longer search outside `npm test`.
 */
const SCALE = Math.max(1, Number(process.env.BATCHSCOPE_FUZZ_SCALE) || 1);
export const FUZZ = (numRuns: number) => ({ numRuns: numRuns * SCALE, interruptAfterTimeLimit: 12_000 * SCALE, markInterruptAsFailure: false });

/** Runs `read`; passes when it returns or throws a BatchscopeError within CASE_MS. */
export function parsesOrRefuses(read: () => unknown, input: () => string): void {
  const t0 = performance.now();
  try {
    read();
  } catch (e) {
    if (!isBatchscopeError(e)) throw new Error(`not a BatchscopeError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\ninput: ${input()}`, { cause: e });
    // A message is one short, printable line (it ends up in a terminal or a notice).
    expect(e.message, input()).toMatch(/^[^\n]{1,600}$/);
    expect(e.message, input()).not.toMatch(/[\u0000-\u0008\u000e-\u001f\ufffd]/);
  }
  const ms = performance.now() - t0;
  if (ms > CASE_MS) throw new Error(`took ${ms.toFixed(0)} ms (bound ${CASE_MS} ms)\ninput: ${input()}`);
}

/** Values chosen to break readers: edges of every range, wrong types, deep nesting, long strings. */
export const evilValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, -0.0, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, 1e9, 5e9, 1e15, 1e308, -1e308, Number.MAX_SAFE_INTEGER),
  fc.constantFrom(null, true, false, '', 'x', '1', '__proto__', 'constructor', '\u0000\uffff', [], {}, [[]], { length: 1e9 }),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.integer({ min: 1, max: 20_000 }).map((d) => new Deep(d)),
  fc.integer({ min: 0, max: 200_000 }).map((n) => 'a'.repeat(n)),
  fc.integer({ min: 0, max: 50_000 }).map((n) => new Array(n).fill(7)),
);

/** Stands for an array nested `depth` deep, [[[1]]], written out only as text (a helper that recursed into it would overflow). */
class Deep {
  constructor(readonly depth: number) {}
}

/** JSON text of `v`, with each Deep written as its nesting. */
export function toJsonText(v: unknown): string {
  const text = JSON.stringify(v, (_k, x: unknown) => (x instanceof Deep ? `@@deep${x.depth}@@` : x)) ?? 'null';
  return text.replace(/"@@deep(\d+)@@"/g, (_m, d: string) => `${'['.repeat(Number(d))}1${']'.repeat(Number(d))}`);
}

type Json = unknown;

/** Every path to a value in a JSON document (objects by key, arrays by index), breadth-first, at most `max`. */
function paths(doc: Json, max = 5000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const queue: [Json, (string | number)[]][] = [[doc, []]];
  while (queue.length && out.length < max) {
    const [v, p] = queue.shift()!;
    out.push(p);
    if (p.length > 12 || v instanceof Deep) continue;
    if (Array.isArray(v)) v.slice(0, 50).forEach((x, i) => queue.push([x, [...p, i]]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) queue.push([x, [...p, k]]);
  }
  return out;
}

/** A structural edit of a parsed document: replace a value, delete a key, or set a new key. */
const edit = fc.record({ pick: fc.nat(), value: evilValue, kind: fc.constantFrom('replace', 'replace', 'delete', 'add') });

/** Applies an edit in place (to a fresh copy of the document); returns the document. */
function applyEdit(copy: Json, e: { pick: number; value: unknown; kind: string }): Json {
  // A fresh copy of the value: constants are shared between cases, and a later edit of this
  // document may edit inside it (a shared one could even come to contain itself).
  const value = e.value instanceof Deep || typeof e.value !== 'object' || e.value === null ? e.value : structuredClone(e.value);
  const all = paths(copy);
  const p = all[e.pick % all.length];
  if (p.length === 0) return e.kind === 'replace' ? value : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = p[p.length - 1];
  if (e.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (e.kind === 'add' && parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
    (parent[last] as Record<string, unknown>)[`k${e.pick % 7}`] = value;
  } else parent[last] = value;
  return copy;
}

/** Text-level damage: cut short, bytes flipped, junk inserted, a range deleted. */
const textDamage = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bit: fc.integer({ min: 0, max: 7 }), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), junk: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('{', '[', '"', ',', '1e999', '-', '\\u', '\u0000', '\ud800')) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 64 }) }),
);

function damageText(text: string, d: Record<string, unknown>): string {
  const at = Math.floor((d.at as number) * text.length);
  switch (d.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + (d.junk as string) + text.slice(at);
    case 'cut':
      return text.slice(0, at) + text.slice(at + (d.len as number));
    default: {
      const chars = [...text.slice(at, at + (d.count as number))].map((c) => String.fromCharCode(c.charCodeAt(0) ^ (1 << (d.bit as number))));
      return text.slice(0, at) + chars.join('') + text.slice(at + chars.length);
    }
  }
}

/** Mutations of a real JSON document: structural edits (1-3 at once) or damage to its text. */
export function mutatedJson(real: string): fc.Arbitrary<string> {
  const doc = JSON.parse(real) as Json;
  return fc.oneof(
    { weight: 3, arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => toJsonText(edits.reduce(applyEdit, structuredClone(doc)))) },
    { weight: 2, arbitrary: textDamage.map((d) => damageText(real, d as Record<string, unknown>)) },
  );
}

/** Byte-level damage of a real binary file: truncation, bit flips, an int32 overwritten with an edge value, junk appended. */
export function mutatedBytes(real: Uint8Array, hotBytes = real.length): fc.Arbitrary<Uint8Array> {
  const evilInt = fc.oneof(fc.constantFrom(0, -1, 1, 2, 3, 7, 2 ** 31 - 1, -(2 ** 31), 2 ** 16, 2 ** 20, 2 ** 24, 0x7f800000, 0x7fc00000), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
  const hot = Math.max(4, Math.min(hotBytes, real.length));
  return fc.oneof(
    fc.nat({ max: real.length }).map((n) => real.slice(0, n)),
    fc.array(fc.record({ at: fc.nat({ max: real.length - 1 }), bit: fc.integer({ min: 0, max: 7 }) }), { minLength: 1, maxLength: 16 }).map((flips) => {
      const b = real.slice();
      for (const f of flips) b[f.at] ^= 1 << f.bit;
      return b;
    }),
    fc.record({ at: fc.nat({ max: Math.floor((hot - 4) / 4) }), v: evilInt }).map(({ at, v }) => {
      const b = real.slice();
      new DataView(b.buffer).setInt32(at * 4, v, true);
      return b;
    }),
    fc.uint8Array({ maxLength: 64 }).map((junk) => {
      const b = new Uint8Array(real.length + junk.length);
      b.set(real);
      b.set(junk, real.length);
      return b;
    }),
  );
}

/** A short description of an input for a failure message. */
export const preview = (x: string | Uint8Array): string => (typeof x === 'string' ? `${x.length} chars: ${JSON.stringify(x.slice(0, 300))}` : `${x.length} bytes: ${Buffer.from(x.slice(0, 64)).toString('hex')}`);
