import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The engine runs unchanged in Node, in a Web Worker and on the main thread, so it must never
 * reach for the UI: no React, zustand or d3, nothing from src/, components/ or stories/, and no
 * DOM globals. This test is the lint rule.
 */
const root = resolve(__dirname, '..');
const FORBIDDEN_PACKAGES = [/^react(-dom)?(\/|$)/, /^zustand(\/|$)/, /^d3(-[a-z]+)?(\/|$)/, /^@testing-library\//, /^@storybook\//];
const UI_DIRS = ['src', 'components', 'stories'].map((d) => join(root, d));
const DOM_GLOBALS = /\b(document|window|localStorage|HTMLElement|requestAnimationFrame)\s*[.(]/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

const specifiers = (code: string): string[] => [...code.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);

describe('engine import boundary', () => {
  const files = sources(join(root, 'engine'));

  it('finds the engine sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s imports nothing from the UI', (_name, file) => {
    const code = readFileSync(file, 'utf8');
    for (const spec of specifiers(code)) {
      expect(FORBIDDEN_PACKAGES.some((re) => re.test(spec)), `imports ${spec}`).toBe(false);
      if (spec.startsWith('.')) {
        const target = resolve(join(file, '..'), spec);
        expect(UI_DIRS.some((d) => target.startsWith(d + '/')), `imports ${spec} from the UI`).toBe(false);
      }
    }
    expect(DOM_GLOBALS.test(code.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')), 'uses a DOM global').toBe(false);
  });
});
