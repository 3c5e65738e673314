import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BOS, EOS, StreamDecoder, readTokenizer, tokenLabel } from './tokenizer';
import { BatchscopeError } from '../errors';
import { encodeReferences, loadStories, storiesPath } from '../../tools/testing/stories260k';

const tok32000 = () => readTokenizer(new Uint8Array(readFileSync(storiesPath('tokenizer.bin'))), 32000, 'tokenizer.bin');

describe('llama2.c tokenizer', () => {
  it('labels a token alone: its text, or <0xNN> for a non-printable byte token', () => {
    const { tok512 } = loadStories();
    // Ids 3..258 are the byte tokens <0x00>..<0xFF>: 0x0A is a newline, 0x41 'A'.
    expect(tokenLabel(tok512, 3 + 0x0a)).toBe('<0x0A>');
    expect(tokenLabel(tok512, 3 + 0x41)).toBe('A');
    const the = tok512.encode('the')[1];
    expect(tokenLabel(tok512, the)).toBe(tok512.decode([the], 0));
  });

  it.each(encodeReferences('tok512').map((r) => [JSON.stringify(r.text), r] as const))('tok512 encodes %s as the reference', (_, ref) => {
    expect(loadStories().tok512.encode(ref.text)).toEqual(ref.tokens);
  });

  it.each(encodeReferences('tokenizer32000').map((r) => [JSON.stringify(r.text), r] as const))(
    'Llama 2 32000-token tokenizer encodes %s as the reference',
    (_, ref) => {
      expect(tok32000().encode(ref.text)).toEqual(ref.tokens);
    },
  );

  it('decodes every reference string back to its text (byte tokens included)', () => {
    const { tok512 } = loadStories();
    for (const ref of encodeReferences('tok512')) expect(tok512.decode(ref.tokens.slice(1))).toBe(ref.text);
    const t = tok32000();
    for (const ref of encodeReferences('tokenizer32000')) expect(t.decode(ref.tokens.slice(1))).toBe(ref.text);
  });

  it('round-trips arbitrary unicode text through encode and decode', () => {
    const { tok512 } = loadStories();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const text = s.replace(/\0/g, '');
        expect(tok512.decode(tok512.encode(text).slice(1))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('drops the leading space of a piece only right after BOS', () => {
    const { tok512 } = loadStories();
    const once = tok512.find(' Once');
    expect(new TextDecoder().decode(tok512.decodeBytes(BOS, once))).toBe('Once');
    expect(new TextDecoder().decode(tok512.decodeBytes(once, once))).toBe(' Once');
  });

  it('appends EOS only when asked', () => {
    const { tok512 } = loadStories();
    expect(tok512.encode('The cat', { eos: true }).at(-1)).toBe(EOS);
    expect(tok512.encode('', { bos: false })).toEqual([]);
  });

  it('streams text per token, holding back a UTF-8 character split over byte tokens', () => {
    const { tok512 } = loadStories();
    const ids = tok512.encode('a 🦙!').slice(1);
    const d = new StreamDecoder(tok512);
    const parts: string[] = [];
    let prev = BOS;
    for (const t of ids) {
      parts.push(d.push(prev, t));
      prev = t;
    }
    parts.push(d.flush());
    expect(parts.join('')).toBe('a 🦙!');
    // The emoji's four byte tokens emit nothing until the last one completes the character.
    expect(parts.filter((p) => p === '').length).toBeGreaterThanOrEqual(3);
    expect(parts).toContain('🦙');
  });

  it('refuses a tokenizer whose size does not match the model vocabulary', () => {
    const bytes = new Uint8Array(readFileSync(storiesPath('tok512.bin')));
    const tooFew = (() => {
      try {
        readTokenizer(bytes, 600, 'tok512.bin');
      } catch (e) {
        return e as BatchscopeError;
      }
    })();
    expect(tooFew?.code).toBe('vocab-mismatch');
    expect(tooFew?.message).toMatch(/tok512\.bin: holds only 512 tokens but the model's vocabulary has 600/);
    expect(() => readTokenizer(bytes, 500, 'tok512.bin')).toThrow(/has more than the model's 500 tokens/);
  });

  it('refuses garbage with a tokenizer error, not a RangeError', () => {
    expect(() => readTokenizer(new Uint8Array([1, 2]), 10, 'x')).toThrow(BatchscopeError);
    const junk = new Uint8Array(64).fill(0xff);
    expect(() => readTokenizer(junk, 10, 'junk')).toThrow(/junk: max_token_length = -1 is not plausible/);
  });
});
