import { describe, expect, it } from 'vitest';
import { palettes } from '../../src/theme/palette';
import { anyscaleStatic } from '../../stories/fixtures/hand-made';
import { GridLayout } from './layout';
import { gridToSvg } from './svg';

describe('gridToSvg', () => {
  it('draws one rect per run with the grid colours and a legend', () => {
    const layout = GridLayout.from('tokens', anyscaleStatic());
    const svg = gridToSvg(layout, palettes.light, { title: 'Static <batching>' });
    const runs = layout.rows.reduce((n, r) => n + r.length, 0);
    expect(svg.match(/<title>/g)).toHaveLength(runs);
    expect(svg).toContain(palettes.light.end);
    expect(svg).toContain('url(#idle-finished)');
    expect(svg).toContain('Static &lt;batching&gt;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});
