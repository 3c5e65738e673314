import { BatchscopeError, type ErrorCode } from './errors';

/**
 * The one pattern every reader of user input follows: each field is checked with these helpers,
 * against a bound from `limits.ts`, before anything sized by it exists; the first problem is a
 * BatchscopeError naming the file and the field. Messages never echo more than a short, printable
 * excerpt of the value (a file of binary or a 100,000-deep array must not end up in a terminal).
 */
export type Bad = (why: string) => never;

/** A `bad` that throws `code` with `source: why`. */
export function complain(code: ErrorCode, source: string): Bad {
  return (why) => {
    throw new BatchscopeError(code, `${source}: ${why}`);
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short, printable description of any value, for an error message. Never recurses. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return printable(v, 40);
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** A string as a quoted excerpt with anything unprintable shown as an escape. */
export function printable(s: string, max = 40): string {
  const cut = s.length > max ? `${s.slice(0, max)}...` : s;
  return JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const range = (min: number, max: number) => (max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`);

export function intIn(v: unknown, at: string, min: number, max: number, bad: Bad): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) bad(`${at} must be an integer ${range(min, max)}, got ${describe(v)}`);
  return v as number;
}

/** A finite number (JSON reads 1e999 as Infinity). */
export function numberIn(v: unknown, at: string, min: number, max: number, bad: Bad): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) bad(`${at} must be a number ${range(min, max)}, got ${describe(v)}`);
  return v as number;
}

export function stringOf(v: unknown, at: string, maxLength: number, bad: Bad): string {
  if (typeof v !== 'string') bad(`${at} must be a string, got ${describe(v)}`);
  if ((v as string).length > maxLength) bad(`${at} is ${(v as string).length} characters long; at most ${maxLength}`);
  return v as string;
}

/** An array of at most `maxLength` items (checked before any item is looked at). */
export function arrayOf(v: unknown, at: string, minLength: number, maxLength: number, bad: Bad): unknown[] {
  if (!Array.isArray(v)) bad(`${at} must be a list, got ${describe(v)}`);
  const n = (v as unknown[]).length;
  if (n < minLength) bad(minLength === 1 ? `${at} must not be empty` : `${at} must hold at least ${minLength} items`);
  if (n > maxLength) bad(`${at} holds ${n} items; at most ${maxLength}`);
  return v as unknown[];
}

/** Integers in [min, max], at most `maxLength` of them. */
export function intsOf(v: unknown, at: string, minLength: number, maxLength: number, min: number, max: number, bad: Bad): number[] {
  const xs = arrayOf(v, at, minLength, maxLength, bad);
  for (let i = 0; i < xs.length; i++) intIn(xs[i], `${at}[${i}]`, min, max, bad);
  return xs as number[];
}
