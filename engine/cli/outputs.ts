import { accessSync, closeSync, constants, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BatchscopeError } from '../errors';
import type { Io } from './io';

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));

/**
 * Refuses, before a run starts, an output path that cannot be written: a directory, a missing
 * folder, a read-only file system or a folder without write permission. A file that does not
 * exist yet is created and removed again (the only sure test); a device or FIFO is checked with
 * access() only, since opening a FIFO would wait for a reader.
 */
export function checkWritable(path: string, what: string): void {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new BatchscopeError('bad-output', `${what} path is a directory, not a file: ${path}`);
    accessSync(path, constants.W_OK);
    return;
  } catch (e) {
    if (e instanceof BatchscopeError) throw e;
    if (reason(e) !== 'ENOENT') throw new BatchscopeError('bad-output', `cannot write the ${what} file ${path} (${reason(e)})`);
  }
  const dir = dirname(resolve(path));
  let dirOk = false;
  try {
    dirOk = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!dirOk) throw new BatchscopeError('file-not-found', `${what} folder does not exist: ${dir}`);
  try {
    closeSync(openSync(path, 'wx'));
    unlinkSync(path);
  } catch (e) {
    throw new BatchscopeError('bad-output', `cannot create the ${what} file ${path} (${reason(e)})`);
  }
}

/**
 * The files one command writes. Each is checked when added, before any work; each is written
 * after the work, and a write that still fails (a full disk, /dev/full, a run too large for one
 * string) is reported on stderr after the summary, with exit code 1, instead of losing the run.
 */
export class Outputs {
  private readonly files = new Map<string, string>();
  private readonly failures: string[] = [];

  /** `what` names the file in messages ("trace", "CSV"); an undefined path is not asked for. */
  add(what: string, path: string | undefined): this {
    if (path === undefined) return this;
    checkWritable(path, what);
    this.files.set(what, path);
    return this;
  }

  has(what: string): boolean {
    return this.files.has(what);
  }

  /** Writes `what`'s file if it was asked for; the text is built here, so building it may fail too. */
  write(what: string, content: () => string | Uint8Array): boolean {
    const path = this.files.get(what);
    if (path === undefined) return false;
    try {
      writeFileSync(path, content());
      return true;
    } catch (e) {
      const why = e instanceof RangeError ? 'the run is too large for one file; record fewer requests' : reason(e);
      this.failures.push(`could not write the ${what} file ${path} (${why})`);
      return false;
    }
  }

  /** Writes now and throws on failure: for files written before the work starts. */
  writeNow(what: string, content: () => string | Uint8Array): void {
    if (this.files.has(what) && !this.write(what, content)) throw new BatchscopeError('bad-output', this.failures.pop()!);
  }

  /** Prints each failed write as one line; the exit code: 1 if any failed, else 0. */
  finish(io: Io, command: string): number {
    for (const f of this.failures) io.err(`batchscope ${command}: ${f}\n`);
    return this.failures.length ? 1 : 0;
  }
}
