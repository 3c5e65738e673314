/**
 * Fuzz: mutated checkpoints and tokenizers (the built-in model's and stories260K's: truncations,
 * bit flips, header fields set to edge values, junk appended) either load and run, or are refused
 * with a BatchscopeError within the time bound. A header is checked before anything it sizes.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultModelPath, defaultTokenizerPath } from '../cli/files';
import { FUZZ, mutatedBytes, parsesOrRefuses, preview } from '../../tools/testing/fuzz';
import { storiesPath } from '../../tools/testing/stories260k';
import { CHECKPOINT_HEADER_BYTES, readCheckpoint, readCheckpointHeader } from './checkpoint';
import { CpuBackend } from '../backend/cpu';
import { readTokenizer } from './tokenizer';

const checkpoints = [readFileSync(storiesPath('stories260K.bin')), readFileSync(defaultModelPath)].map((b) => new Uint8Array(b));
const tokenizers = [
  { bytes: new Uint8Array(readFileSync(storiesPath('tok512.bin'))), vocab: 512 },
  { bytes: new Uint8Array(readFileSync(defaultTokenizerPath)), vocab: readCheckpointHeader(checkpoints[1]).config.vocabSize },
];

describe('fuzz: checkpoint headers and files', () => {
  it('reads or refuses every mutated header, and a header that passes implies the exact file size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...checkpoints).chain((c) => mutatedBytes(c.subarray(0, CHECKPOINT_HEADER_BYTES))),
        (head) =>
          parsesOrRefuses(() => {
            const { expectedBytes } = readCheckpointHeader(head);
            expect(Number.isSafeInteger(expectedBytes) && expectedBytes > CHECKPOINT_HEADER_BYTES).toBe(true);
          }, () => preview(head)),
      ),
      FUZZ(5000),
    );
  });

  it('loads or refuses every mutated checkpoint, and a loaded one runs a token', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...checkpoints).chain((c) => mutatedBytes(c, 64)),
        (bytes) =>
          parsesOrRefuses(() => {
            const model = readCheckpoint(bytes);
            new CpuBackend(model, { numBlocks: 1, blockSize: 4 }).stepSync([{ tokens: [1, 3], startPos: 0, blockTable: [0] }]);
          }, () => preview(bytes)),
      ),
      FUZZ(200),
    );
  });
});

describe('fuzz: tokenizer files', () => {
  it('loads or refuses every mutated tokenizer, and a loaded one encodes and decodes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...tokenizers).chain(({ bytes, vocab }) => mutatedBytes(bytes, 64).map((b) => ({ b, vocab }))),
        fc.string({ maxLength: 40 }),
        ({ b, vocab }, text) =>
          parsesOrRefuses(() => {
            const tok = readTokenizer(b, vocab);
            const ids = tok.encode(text);
            tok.decode(ids.filter((id) => id < vocab));
          }, () => preview(b)),
      ),
      FUZZ(1500),
    );
  });
});
