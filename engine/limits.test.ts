import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../tools/testing/stories260k';
import { CHECKPOINT_HEADER, FILE_BYTES, LIMITS, formatBytes } from './limits';

describe('input limits', () => {
  const doc = readFileSync(`${repoRoot}/docs/architecture.md`, 'utf8');
  const row = (key: string) => doc.split('\n').find((l) => l.startsWith('|') && l.includes(`(\`${key}\`)`));

  it('are all listed in docs/architecture.md with their values', () => {
    for (const [key, value] of Object.entries(LIMITS)) expect(row(key), key).toMatch(new RegExp(`\\| ${value} \\|`));
    for (const [kind, bytes] of Object.entries(FILE_BYTES)) expect(row(`FILE_BYTES.${kind}`), kind).toMatch(new RegExp(`\\| ${formatBytes(bytes)} \\|`));
    const header = row('CHECKPOINT_HEADER')!;
    for (const v of Object.values(CHECKPOINT_HEADER)) expect(header).toContain(` ${v}`);
  });

  it('print byte counts as people read them', () => {
    expect([900, 1024, 64 * 2 ** 20, 2 ** 31 - 1, 1.5 * 2 ** 30].map(formatBytes)).toEqual(['900 bytes', '1 KiB', '64 MiB', '2 GiB', '1.5 GiB']);
  });
});
