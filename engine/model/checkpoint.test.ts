import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import type { ModelConfig } from './config';
import { parameterCount, weightShapes, type Model, type ModelWeights } from './weights';
import { BatchscopeError } from '../errors';
import { loadStories } from '../../tools/testing/stories260k';

const tiny: ModelConfig = { dim: 8, hiddenDim: 12, nLayers: 2, nHeads: 4, nKvHeads: 2, vocabSize: 10, seqLen: 6, sharedClassifier: true };

function randomModel(config: ModelConfig, seed = 1): Model {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const weights = {} as ModelWeights;
  for (const [name, n] of weightShapes(config)) weights[name] = Float32Array.from({ length: n }, rand);
  weights.wcls = config.sharedClassifier ? weights.tokenEmbedding : Float32Array.from({ length: config.vocabSize * config.dim }, rand);
  return { name: 'random', config, weights };
}

function header(values: number[], extraFloats = 0): Uint8Array {
  const out = new Uint8Array(28 + 4 * extraFloats);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return out;
}

function errorOf(f: () => unknown): BatchscopeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BatchscopeError);
    return e as BatchscopeError;
  }
  throw new Error('expected an error');
}

describe('llama2.c checkpoints', () => {
  it('reads stories260K with its header and a shared classifier', () => {
    const { model } = loadStories();
    expect(model.config).toEqual({ dim: 64, hiddenDim: 172, nLayers: 5, nHeads: 8, nKvHeads: 4, vocabSize: 512, seqLen: 512, sharedClassifier: true });
    expect(model.weights.wcls).toBe(model.weights.tokenEmbedding);
    // 512*64 embedding + 5 layers * (2*64 norms + 2*64*64 + 2*32*64 attention + 3*172*64 FFN) + 64
    expect(parameterCount(model.config)).toBe(260_032);
  });

  it('writes stories260K back byte for byte except the regenerated rotary tables', () => {
    const { model } = loadStories();
    const again = readCheckpoint(writeCheckpoint(model), 'roundtrip');
    for (const [name] of weightShapes(model.config)) expect(again.weights[name]).toEqual(model.weights[name]);
  });

  it.each([true, false])('round-trips a random model (shared classifier: %s)', (shared) => {
    const model = randomModel({ ...tiny, sharedClassifier: shared });
    const bytes = writeCheckpoint(model);
    expect(new DataView(bytes.buffer).getInt32(20, true)).toBe(shared ? 10 : -10);
    const back = readCheckpoint(bytes, 'x.bin');
    expect(back.config).toEqual(model.config);
    for (const [name] of weightShapes(tiny)) expect(back.weights[name]).toEqual(model.weights[name]);
    expect(back.weights.wcls).toEqual(model.weights.wcls);
    expect(back.weights.wcls === back.weights.tokenEmbedding).toBe(shared);
  });

  it('names the file and the problem for a file too short for a header', () => {
    const e = errorOf(() => readCheckpoint(new Uint8Array(10), 'short.bin'));
    expect(e.code).toBe('bad-checkpoint');
    expect(e.message).toMatch(/short\.bin.*too short/);
  });

  it('refuses a size that does not match the header', () => {
    const good = writeCheckpoint(randomModel(tiny));
    const e = errorOf(() => readCheckpoint(good.subarray(0, good.length - 4), 'cut.bin'));
    expect(e.message).toMatch(/cut\.bin: size \d+ bytes does not match the header.*needs exactly \d+ bytes/);
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    expect(errorOf(() => readCheckpoint(longer, 'long.bin')).message).toMatch(/does not match/);
  });

  it.each([
    [[0, 12, 2, 4, 2, 10, 6], /dim = 0 must be a positive integer/],
    [[8, -1, 2, 4, 2, 10, 6], /hidden_dim = -1/],
    [[8, 12, 2, 4, 2, 10, 0], /seq_len = 0/],
    [[8, 12, 2, 3, 1, 10, 6], /n_heads = 3 does not divide dim = 8/],
    [[8, 12, 2, 4, 3, 10, 6], /n_kv_heads = 3 must divide n_heads = 4/],
    [[8, 12, 2, 4, 8, 10, 6], /n_kv_heads = 8 must divide n_heads = 4/],
    [[1 << 30, 12, 2, 4, 2, 10, 6], /absurdly large/],
    [[8, 12, 2, 4, 2, 0, 6], /vocab_size = 0/],
  ])('refuses header %j', (values, message) => {
    const e = errorOf(() => readCheckpoint(header(values, 100), 'bad.bin'));
    expect(e.code).toBe('bad-checkpoint');
    expect(e.message).toMatch(/^bad\.bin: /);
    expect(e.message).toMatch(message);
  });

  it('refuses NaN or infinite weights instead of building a NaN-filled model', () => {
    const bytes = writeCheckpoint(randomModel(tiny));
    new DataView(bytes.buffer).setFloat32(28 + 4 * 5, NaN, true);
    expect(errorOf(() => readCheckpoint(bytes, 'nan.bin')).message).toMatch(/nan\.bin: weight 5 is NaN/);
  });

  it('reads from an unaligned view of a larger buffer', () => {
    const bytes = writeCheckpoint(randomModel(tiny));
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(readCheckpoint(padded.subarray(3), 'view').weights.rmsFinal).toEqual(randomModel(tiny).weights.rmsFinal);
  });
});

describe('batchscope MoE checkpoints (magic + version, llama2.c fields, expert fields)', () => {
  const moe: ModelConfig = { ...tiny, moe: { nExperts: 4, topK: 2 } };
  const bytesOf = (c: ModelConfig) => writeCheckpoint(randomModel(c, 3));
  const withInt = (bytes: Uint8Array, at: number, v: number) => {
    const copy = bytes.slice();
    new DataView(copy.buffer).setInt32(at, v, true);
    return copy;
  };

  it.each([true, false])('round-trips every tensor, router and experts included (shared classifier: %s)', (shared) => {
    const model = randomModel({ ...moe, sharedClassifier: shared }, 3);
    const bytes = writeCheckpoint(model);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('bsmo');
    expect(new DataView(bytes.buffer).getInt32(4, true)).toBe(1);
    // 64-byte header, no rotary tables; experts' matrices are E times a dense layer's
    expect(bytes.length).toBe(64 + 4 * parameterCount(model.config));
    const back = readCheckpoint(bytes, 'moe.bin');
    expect(back.config).toEqual(model.config);
    for (const [name] of weightShapes(moe)) expect(back.weights[name]).toEqual(model.weights[name]);
    expect(back.weights.router!.length).toBe(2 * 4 * 8);
    expect(back.weights.wcls).toEqual(model.weights.wcls);
  });

  it('leaves dense llama2.c files as they were (no magic, rotary tables kept)', () => {
    const bytes = bytesOf(tiny);
    expect(new DataView(bytes.buffer).getInt32(0, true)).toBe(8);
    expect(readCheckpoint(bytes, 'dense.bin').config.moe).toBeUndefined();
  });

  it.each([
    [4, 2, /version 2 is not supported \(this build reads version 1\)/],
    [36, 0, /n_experts = 0 must be an integer in 1\.\.256/],
    [36, 999, /n_experts = 999/],
    [40, 5, /top_k = 5 must be an integer in 1\.\.n_experts \(4\)/],
    [40, 0, /top_k = 0/],
    [48, 7, /reserved header bytes 48-51 are not zero/],
    [12, 13, /size \d+ bytes does not match the header \(.*hidden_dim=13.*n_experts=4, top_k=2\)/],
  ])('refuses a header with int32 %i set to %i', (at, value, message) => {
    const e = errorOf(() => readCheckpoint(withInt(bytesOf(moe), at, value), 'bad-moe.bin'));
    expect(e.code).toBe('bad-checkpoint');
    expect(e.message).toMatch(/^bad-moe\.bin: /);
    expect(e.message).toMatch(message);
  });

  it('refuses a file too short for its header, and a cut one', () => {
    const good = bytesOf(moe);
    expect(errorOf(() => readCheckpoint(good.subarray(0, 20), 'x.bin')).message).toMatch(/too short \(20 bytes\) to hold a batchscope MoE header of 64 bytes/);
    expect(errorOf(() => readCheckpoint(good.subarray(0, good.length - 4), 'x.bin')).message).toMatch(/does not match the header/);
  });
});
