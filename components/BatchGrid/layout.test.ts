import { describe, expect, it } from 'vitest';
import { anyscaleContinuous, anyscaleStatic, run } from '../../stories/fixtures/hand-made';
import { GridLayout } from './layout';

const kinds = (g: GridLayout, row: number) => g.rows[row].flatMap((r) => Array(r.len).fill(r.kind[0] + (r.idleReason ? r.idleReason[0] : '')));

describe('GridLayout, iterations', () => {
  it('puts one cell per slot per iteration and merges runs of one request', () => {
    const g = GridLayout.from('iterations', anyscaleStatic());
    expect(g.columns).toBe(6);
    expect(g.rows).toHaveLength(4);
    expect(kinds(g, 2)).toEqual(['p', 'e', 'if', 'if', 'if', 'if']);
    // S2 decodes for 4 iterations in a row: one run, not four rectangles.
    expect(g.rows[1].map((r) => [r.kind, r.len])).toEqual([['prefill', 1], ['decode', 4], ['end', 1]]);
  });

  it('never merges an END cell, and never across requests', () => {
    const g = GridLayout.from('iterations', run([['e@1'], ['e@2'], ['d@3'], ['d@4']]));
    expect(g.rows[0].map((r) => r.requestId)).toEqual([1, 2, 3, 4]);
  });

  it('hit-tests back to the iteration that drew the cell', () => {
    const g = GridLayout.from('iterations', anyscaleStatic());
    expect(g.hit(1, 3)).toMatchObject({ iteration: 3, run: { kind: 'decode', requestId: 2 } });
    expect(g.hit(1, 6)).toBeNull();
    expect(g.hit(9, 0)).toBeNull();
  });
});

describe('GridLayout, tokens (Anyscale)', () => {
  it('lays prompts then generated tokens along each row, as the static figure does', () => {
    const g = GridLayout.from('tokens', anyscaleStatic());
    // S1: 2 prompt cells, its first token, two more, END, then two wasted cells.
    expect(kinds(g, 0)).toEqual(['p', 'p', 'd', 'd', 'd', 'e', 'if', 'if']);
    expect(kinds(g, 2)).toEqual(['p', 'd', 'e', 'if', 'if', 'if', 'if']);
    expect(g.columns).toBe(10); // S4: 4 prompt cells, 3 generated, 3 wasted
  });

  it('continues a new request on the row of the one it replaced', () => {
    const g = GridLayout.from('tokens', anyscaleContinuous());
    const ids = g.rows[2].flatMap((r) => Array(r.len).fill(r.requestId));
    expect(ids).toEqual([3, 3, 3, 5, 5, 5, 5]);
    expect(kinds(g, 2)).toEqual(['p', 'd', 'e', 'p', 'd', 'd', 'e']);
  });

  it('maps a prompt cell to its prefill iteration and chunk offset', () => {
    const g = GridLayout.from('tokens', anyscaleStatic());
    expect(g.hit(3, 2)).toMatchObject({ iteration: 0, chunkOffset: 2, run: { kind: 'prefill' } });
    expect(g.hit(3, 5)).toMatchObject({ iteration: 1, run: { kind: 'decode' } });
  });

  it('a chunk that samples nothing adds only prompt cells', () => {
    const g = GridLayout.from('tokens', run([['c4@0'], ['p2@0'], ['e@0']]));
    expect(kinds(g, 0)).toEqual(['p', 'p', 'p', 'p', 'p', 'p', 'd', 'e']);
  });

  it('finds every run of a request', () => {
    const g = GridLayout.from('tokens', anyscaleContinuous());
    expect(g.runsOf(5).map((x) => x.row)).toEqual([2, 2, 2]);
  });
});
