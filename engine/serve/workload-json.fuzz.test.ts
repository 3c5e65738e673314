/**
 * Fuzz: mutated workload files (real ones, from every preset and prompt source) either load,
 * materialise and pass the engine's checks, or are refused with a BatchscopeError, within the time
 * bound; nothing is allocated from an unchecked size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ, mutatedJson, parsesOrRefuses, preview } from '../../tools/testing/fuzz';
import { loadModelFiles } from '../cli/files';
import { taskPromptSource } from '../model/tasks';
import { lengthOnlyPrompts, storyPrompts } from './prompts';
import { validateRequests } from './request';
import { generateWorkload, materialize } from './workload';
import { parseWorkload, serializeWorkload } from './workload-json';
import { workloadPreset } from './workload-presets';

const { model, tokenizer } = loadModelFiles();
const SOURCES = [lengthOnlyPrompts, taskPromptSource, storyPrompts(tokenizer)];
const REAL = ['uniform', 'high-variance', 'poisson'].flatMap((name, i) => SOURCES.map((src) => serializeWorkload(generateWorkload({ ...workloadPreset(name, i + 1), count: 4 }, src))));

/** What `batchscope run --workload FILE` does with a file before the first step. */
function load(text: string): void {
  const w = parseWorkload(text, 'fuzz.json');
  // Whatever loads saves and loads back the same (what --save-workload and the app's export rely on).
  expect(parseWorkload(serializeWorkload(w), 'fuzz.json')).toEqual(w);
  const requests = materialize(w, tokenizer, model.config.seqLen);
  validateRequests(requests, model.config, 4096);
}

describe('fuzz: workload JSON', () => {
  it('loads or refuses every mutation of a real workload', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REAL).chain((real) => mutatedJson(real)),
        (text) => parsesOrRefuses(() => load(text), () => preview(text)),
      ),
      FUZZ(3000),
    );
  });

  it('loads or refuses arbitrary JSON values and arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ maxLength: 200 })), (text) => parsesOrRefuses(() => load(text), () => preview(text))),
      FUZZ(1000),
    );
  });
});
