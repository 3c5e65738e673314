// @vitest-environment jsdom
/**
 * The type scale holds everywhere: every font size in the style sheets is a token, no token is
 * below 12 px (14 px in presenter mode), and no drawing code sets a smaller literal size. The e2e
 * screen checks measure the rendered page; this catches a stray size before it is rendered.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canvasFont, canvasType, TYPE_FLOOR } from '../../components/shared/type-scale';

const root = resolve(__dirname, '../..');
const css = (name: string) => readFileSync(join(root, 'src/theme', name), 'utf8');

/** `selector { body }` blocks of a style sheet, media queries flattened into their selectors. */
function blocks(sheet: string): { selector: string; body: string }[] {
  const out: { selector: string; body: string }[] = [];
  const clean = sheet.replace(/\/\*[\s\S]*?\*\//g, '');
  const re = /([^{}]+)\{([^{}]*)\}/g;
  for (let m = re.exec(clean); m; m = re.exec(clean)) out.push({ selector: m[1].trim(), body: m[2] });
  return out;
}

describe('the type scale', () => {
  it('has no token below the floor, in either mode, on any screen', () => {
    const tokens = css('tokens.css').replace(/\/\*[\s\S]*?\*\//g, '');
    let checked = 0;
    for (const { selector, body } of blocks(tokens)) {
      const floor = selector.includes('data-presenter') ? TYPE_FLOOR.presenter : TYPE_FLOOR.page;
      for (const m of body.matchAll(/--fs-[\w-]+:\s*([\d.]+)px/g)) {
        expect(Number(m[1]), `${selector}: ${m[0]}`).toBeGreaterThanOrEqual(floor);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(28);
  });

  it('is the only source of font sizes in the style sheets', () => {
    for (const name of ['app.css', 'layout.css']) {
      const sheet = css(name).replace(/\/\*[\s\S]*?\*\//g, '');
      for (const m of sheet.matchAll(/(?<![\w-])font(-size)?\s*:\s*([^;}]+)/g)) {
        expect(m[2], `${name}: ${m[0]}`).toMatch(/var\(--fs-[\w-]+\)|^inherit/);
      }
    }
  });

  it('is not bypassed by a literal size in drawing code', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) files.push(join(dir, e.name));
      }
    };
    walk(join(root, 'components'));
    walk(join(root, 'src'));
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:\.font\s*=\s*['"`][^'"`]*?|font-size['"]?\s*[,:=]\s*['"]?|fontSize\s*:\s*['"]?)(\d+(?:\.\d+)?)/g)) {
        expect(Number(m[1]), `${f}: ${m[0]}`).toBeGreaterThanOrEqual(TYPE_FLOOR.page);
      }
    }
  });

  it('gives canvas labels the floor of the mode when the page cannot say more', () => {
    expect(canvasType(null).labelPx).toBe(TYPE_FLOOR.page);
    document.documentElement.setAttribute('data-presenter', '');
    try {
      expect(canvasType(null).labelPx).toBe(TYPE_FLOOR.presenter);
    } finally {
      document.documentElement.removeAttribute('data-presenter');
    }
    expect(canvasFont(14, 600)).toMatch(/^600 14px /);
  });
});
