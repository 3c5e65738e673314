import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './testing/stories260k';
import { outputNote, trackedOutput } from './tracked-output';

describe('tools that produce tracked files', () => {
  it('write them in place only with --write, else into a temporary folder they name', () => {
    expect(trackedOutput('docs/screenshot.png', ['node', 'tool', '--write'])).toBe(join(repoRoot, 'docs/screenshot.png'));
    const scratch = trackedOutput('docs/screenshot.png', ['node', 'tool']);
    expect(scratch.startsWith(tmpdir())).toBe(true);
    expect(scratch.endsWith('/docs/screenshot.png')).toBe(true);
    expect(outputNote(['node', 'tool'])).toMatch(/^tracked files left as they are: the output is in .*; run with --write to replace them$/);
  });

  it('route every write of the recorder and the screenshot through trackedOutput', () => {
    for (const f of ['tools/fixtures/record.ts', 'tools/fixtures/screenshot.ts']) {
      const src = readFileSync(join(repoRoot, f), 'utf8');
      expect(src, f).toMatch(/trackedOutput\(/);
      expect(src, f).not.toMatch(/(save\(|path: )join\(root/);
    }
  });
});
