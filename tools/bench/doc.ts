/**
 * How benchmark scripts report: they print their section; only with `--write` do they replace it
 * in docs/benchmarks.md (a tracked file), and the machine it names is read from the machine itself,
 * never assumed ("the development machine" was whichever machine last ran the script).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../testing/stories260k';

export const BENCHMARKS_DOC = join(repoRoot, 'docs/benchmarks.md');

/** True when the script was asked to update docs/benchmarks.md. */
export const wantsWrite = (argv: readonly string[] = process.argv): boolean => argv.includes('--write');

/** "2 x Intel(R) Xeon(R) Processor (virtual machine), 24 GiB RAM, Linux 6.1, Node v20.20.2". */
export function machineDescription(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.replace(/\s+/g, ' ').trim() || 'unknown CPU';
  return `${cpu.length} x ${model}${virtualization()}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${type()} ${release()}, Node ${process.version}`;
}

/** " (virtual machine)" when the CPU says it runs under a hypervisor (Linux only), else "". */
function virtualization(): string {
  try {
    return existsSync('/proc/cpuinfo') && /^flags\s*:.*\bhypervisor\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')) ? ' (virtual machine)' : '';
  } catch {
    return '';
  }
}

/** `doc` with the `## heading` section (up to the next `## `) replaced by `section`, or `section` appended. */
export function replaceSection(doc: string, heading: string, section: string): string {
  const marker = `## ${heading}\n`;
  const found = doc.startsWith(marker) ? 0 : doc.indexOf(`\n${marker}`);
  if (found < 0) return `${doc.trimEnd()}\n\n${section.trimEnd()}\n`;
  const start = found === 0 && doc.startsWith(marker) ? 0 : found + 1;
  const end = doc.indexOf('\n## ', start + 1);
  return `${doc.slice(0, start)}${section.trimEnd()}\n${end < 0 ? '' : doc.slice(end)}`;
}

/** `doc` with the text between `<!-- id begin -->` and `<!-- id end -->` replaced by `body`. */
export function replaceMarked(doc: string, id: string, body: string): string {
  const begin = `<!-- ${id} begin -->`;
  const end = `<!-- ${id} end -->`;
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end, a);
  if (a < 0 || b < 0) throw new Error(`docs/benchmarks.md has no "${begin}" ... "${end}" block to replace`);
  return `${doc.slice(0, a + begin.length)}\n${body.trimEnd()}\n${doc.slice(b)}`;
}

/**
 * With --write, applies `update` to docs/benchmarks.md and says so; without it, says how to. The
 * one place a benchmark script may write a tracked file.
 */
export function updateBenchmarksDoc(update: (doc: string) => string, what: string, argv: readonly string[] = process.argv): void {
  if (!wantsWrite(argv)) {
    console.error(`(docs/benchmarks.md left as it is; run with --write to put the ${what} there)`);
    return;
  }
  writeFileSync(BENCHMARKS_DOC, update(readFileSync(BENCHMARKS_DOC, 'utf8')));
  console.error(`wrote the ${what} into docs/benchmarks.md`);
}
