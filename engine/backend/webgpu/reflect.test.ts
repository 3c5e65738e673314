import { describe, expect, it } from 'vitest';
import { shaderBindings, shaderConst, structLayout, writeStruct } from './reflect';
import { kernelSource, loadShaders, SHADER_NAMES } from './shaders';
import { KV_DTYPES, WEIGHT_DTYPES } from '../../model/quant/formats';

describe('WGSL reflection', () => {
  it('reads bindings, scalar structs and integer consts', () => {
    const wgsl = `struct Job { row: u32, temperature: f32, delta: i32 }
      const TILE: u32 = 4u;
      @group(0) @binding(0) var<uniform> step: Step;
      @group(0) @binding(2) var<storage, read> w: array<vec4f>;
      @group(0) @binding(3) var<storage, read_write> x: array<f32>;`;
    expect(shaderBindings(wgsl)).toEqual([
      { binding: 0, name: 'step', kind: 'uniform' },
      { binding: 2, name: 'w', kind: 'read-only-storage' },
      { binding: 3, name: 'x', kind: 'storage' },
    ]);
    const job = structLayout(wgsl, 'Job');
    expect(job.size).toBe(12);
    const view = new DataView(new ArrayBuffer(24));
    writeStruct(view, 12, job, { row: 7, temperature: 0.5, delta: -2 });
    expect([view.getUint32(12, true), view.getFloat32(16, true), view.getInt32(20, true)]).toEqual([7, 0.5, -2]);
    expect(() => writeStruct(view, 0, job, { row: 1 })).toThrow(/no value for temperature/);
    expect(shaderConst(wgsl, 'TILE')).toBe(4);
    expect(() => structLayout('struct V { a: vec4f }', 'V')).toThrow(/only 4-byte scalars/);
  });

  it('every shader that shares a host-written struct declares it identically', async () => {
    const shaders = await loadShaders();
    for (const struct of ['Step', 'TokenInfo']) {
      const layouts = SHADER_NAMES.filter((n) => shaders[n].includes(`struct ${struct} `)).map((n) => structLayout(shaders[n], struct));
      expect(layouts.length).toBeGreaterThan(1);
      for (const l of layouts) expect(l).toEqual(layouts[0]);
    }
    expect(structLayout(shaders.qkv_rope, 'TokenInfo').fields.map((f) => f.name)).toEqual(['token', 'pos', 'slot', 'table']);
    expect(structLayout(shaders.embed, 'Step').fields.map((f) => f.name)).toEqual(['tokens', 'rows']);
  });

  it('every binding of every shader, in every number format, is distinct and in group 0', async () => {
    const shaders = await loadShaders();
    for (const weights of WEIGHT_DTYPES) {
      for (const kv of KV_DTYPES) {
        for (const name of SHADER_NAMES) {
          const code = kernelSource(shaders, name, { weights, kv });
          const what = `${name} (weights ${weights}, KV ${kv})`;
          const b = shaderBindings(code);
          expect(b.length, what).toBe((code.match(/@binding\(/g) ?? []).length);
          expect(new Set(b.map((x) => x.binding)).size, what).toBe(b.length);
          expect(b.filter((x) => x.kind !== 'uniform').length, `${what}: storage buffers within WebGPU's default 8`).toBeLessThanOrEqual(8);
        }
      }
    }
  });
});
