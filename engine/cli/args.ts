import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BatchscopeError } from '../errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one-line BatchscopeErrors. */
export function parseFlags<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new BatchscopeError('bad-argument', `${msg.replace(/\. To specify a positional.*$/, '')} (see batchscope ${command} --help)`);
  }
}

export function intFlag(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new BatchscopeError('bad-argument', `--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export function numberFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new BatchscopeError('bad-argument', `--${name} must be a number in [${min}, ${max}], got "${value}"`);
  return n;
}

export function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new BatchscopeError('bad-argument', `--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}
