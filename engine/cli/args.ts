import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BatchscopeError } from '../errors';
import { LIMITS } from '../limits';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one-line BatchscopeErrors. */
export function parseFlags<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    // Its messages span lines ("--steps -3" is "ambiguous" and the fix, "--steps=-3", is on the third).
    const msg = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    throw new BatchscopeError('bad-argument', `${msg.replace(/\.? To specify a positional.*$/, '')} (see batchscope ${command} --help)`);
  }
}

// Plain decimals only: Number() would also read "" and " " as 0 and "0x10" as 16.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function intFlag(value: string | undefined, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new BatchscopeError('bad-argument', `--${name} must be an integer ${range}, got "${value}"`);
  }
  return n;
}

export function numberFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new BatchscopeError('bad-argument', `--${name} must be a number in [${min}, ${max}], got "${value}"`);
  return n;
}

/** Seeds are hashed as u32 (engine/model/rng.ts): a larger one would silently alias a smaller one. */
export const MAX_SEED = LIMITS.seed;

export function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new BatchscopeError('bad-argument', `--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}
