import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildKernels, KERNELS_MODULE, kernelsModuleText } from '../../../tools/wasm/build';

describe('the committed WebAssembly kernels', () => {
  it('are exactly what the AssemblyScript sources build to with the locked compiler (npm run build:wasm)', async () => {
    const committed = readFileSync(new URL(`../../../${KERNELS_MODULE}`, import.meta.url), 'utf8');
    const rebuilt = kernelsModuleText(await buildKernels());
    // Compare the text, whose header names the size and sha256, so a mismatch says what differs.
    expect(committed.split('\n').slice(0, 2)).toEqual(rebuilt.split('\n').slice(0, 2));
    expect(committed === rebuilt).toBe(true);
  }, 60_000);
});
