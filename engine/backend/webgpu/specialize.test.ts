import { describe, expect, it } from 'vitest';
import { specialize } from './specialize';

describe('WGSL specialization', () => {
  const text = ['a', '// #if kv == f16|int8', 'b', '// #if weights != f32', 'c', '// #endif', '// #else', 'd', '// #endif', 'e', '// #include tail'].join('\n');
  const snippets = { tail: '// #if kv == int8\nq\n// #endif' };
  const lines = (kv: string, weights: string) => specialize(text, { kv, weights }, snippets).split('\n').filter(Boolean);

  it('keeps the branches the settings select, nested, and blanks the rest', () => {
    expect(lines('f32', 'f32')).toEqual(['a', 'd', 'e']);
    expect(lines('f16', 'f32')).toEqual(['a', 'b', 'e']);
    expect(lines('int8', 'int8')).toEqual(['a', 'b', 'c', 'e', 'q']);
    expect(specialize(text, { kv: 'f32', weights: 'f32' }, snippets).split('\n').length).toBe(10 + 3); // the snippet's three lines replace the #include
  });

  it('refuses what it cannot read rather than guessing', () => {
    expect(() => specialize('// #if kv = f32\n// #endif', { kv: 'f32' })).toThrow(/cannot read/);
    expect(() => specialize('// #if dtype == f32\n// #endif', { kv: 'f32' })).toThrow(/no setting "dtype"/);
    expect(() => specialize('// #if kv == f32\nx', { kv: 'f32' })).toThrow(/without #endif/);
    expect(() => specialize('// #endif', {})).toThrow(/without #if/);
    expect(() => specialize('// #include nope', {})).toThrow(/no snippet "nope"/);
  });
});
