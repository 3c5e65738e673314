import { describe, expect, it } from 'vitest';
import { loadStories } from '../../../tools/testing/stories260k';
import { BatchscopeError } from '../../errors';
import { generateAll } from '../../serve/generate';
import { CpuBackend } from '../cpu';
import type { Backend, SequenceStep } from '../types';
import { RecoveringBackend } from './recovering';

/** A backend whose "device" is lost after `steps` steps, like a GPU that resets mid-run. */
function losingAfter(inner: Backend, steps: number): Backend {
  let n = 0;
  return {
    kind: 'webgpu',
    description: 'a GPU that gets lost',
    config: inner.config,
    kv: inner.kv,
    formats: { weights: 'int8', kv: 'f32', attention: 'unfused' },
    step: (seqs: readonly SequenceStep[]) => (++n > steps ? Promise.reject(new BatchscopeError('device-lost', 'the GPU device was lost (test)')) : inner.step(seqs)),
    copyBlocks: (copies) => (n >= steps ? Promise.reject(new BatchscopeError('device-lost', 'the GPU device was lost (test)')) : inner.copyBlocks(copies)),
    dispose: () => inner.dispose(),
  };
}

describe('RecoveringBackend', () => {
  const { model, tok512 } = loadStories();
  const kv = { numBlocks: 30, blockSize: 4 };
  const requests = ['Once upon a time', 'Lily and Tom', 'The cat'].map((p, i) => ({ prompt: tok512.encode(p), steps: 30 + 7 * i, sampling: { temperature: 0.7, topP: 0.9, seed: 10 + i } }));

  it.each([1, 2, 17])('recomputes the lost KV cache on the fallback and finishes every request (lost after %i steps)', async (after) => {
    const expected = await generateAll(new CpuBackend(model, kv), requests);
    const notices: string[] = [];
    const b = new RecoveringBackend(losingAfter(new CpuBackend(model, kv), after), () => new CpuBackend(model, kv), (why) => notices.push(why));
    expect(b.kind).toBe('webgpu');
    // The formats (what the engine counts bytes by) are the running backend's, before and after.
    expect(b.formats).toEqual({ weights: 'int8', kv: 'f32', attention: 'unfused' });
    expect(await generateAll(b, requests)).toEqual(expected);
    expect(b.kind).toBe('cpu');
    expect(b.formats).toEqual({ weights: 'f32', kv: 'f32', attention: 'fused' });
    expect(b.description).toMatch(/after the GPU device was lost/);
    expect(notices).toEqual(['the GPU device was lost (test)']);
  });

  it('passes other errors through', async () => {
    const b = new RecoveringBackend(new CpuBackend(model, kv), () => new CpuBackend(model, kv), () => {});
    await expect(b.step([{ tokens: [1], startPos: 0, blockTable: [99] }])).rejects.toMatchObject({ code: 'bad-step' });
    expect(b.kind).toBe('cpu');
  });
});
