/**
 * Tools that produce tracked files (the demo recording, story fixtures, the README screenshot)
 * write them in place only with --write; otherwise into a temporary folder they name, so running
 * a tool to look at its output never dirties the checkout.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './testing/stories260k';

export const writesInPlace = (argv: readonly string[] = process.argv): boolean => argv.includes('--write');

let scratch: string | null = null;

/** The path to write `relPath` (relative to the repository) to: itself with --write, else a temporary copy. */
export function trackedOutput(relPath: string, argv: readonly string[] = process.argv): string {
  if (writesInPlace(argv)) return join(repoRoot, relPath);
  scratch ??= mkdtempSync(join(tmpdir(), 'batchscope-output-'));
  const path = join(scratch, relPath);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** One line saying where the output went, for the end of a tool's run. */
export function outputNote(argv: readonly string[] = process.argv): string {
  return writesInPlace(argv) ? 'tracked files updated' : `tracked files left as they are: the output is in ${scratch ?? '(nothing written)'}; run with --write to replace them`;
}
