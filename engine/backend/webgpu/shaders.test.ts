import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../tools/testing/stories260k';
import { loadShaders, SHADER_NAMES, SNIPPET_NAMES } from './shaders';

describe('the shader loader', () => {
  it('bundles every shader under Vite and reads the same text from disk under plain Node (tsx, the CLI)', async () => {
    const bundled = await loadShaders();
    const script = "const { loadShaders } = await import('./engine/backend/webgpu/shaders.ts'); process.stdout.write(JSON.stringify(await loadShaders()));";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const fromDisk = JSON.parse(r.stdout);
    expect(Object.keys(fromDisk).sort()).toEqual([...SHADER_NAMES, ...SNIPPET_NAMES].sort());
    for (const name of [...SHADER_NAMES, ...SNIPPET_NAMES]) expect(fromDisk[name], name).toBe(bundled[name]);
  });
});
