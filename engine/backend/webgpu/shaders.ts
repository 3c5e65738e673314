/**
 * The one shader loader. Under Vite (the app, its worker, Vitest) the .wgsl files are bundled as
 * strings; plain Node under tsx (the CLI, benchmarks) has no import.meta.glob, so there they are
 * read from disk next to this repository's sources.
 */
export const DENSE_SHADERS = ['embed', 'qkv_rope', 'attention_out', 'ffn_up', 'matmul_residual', 'logits', 'sample'] as const;
/** A mixture-of-experts FFN replaces ffn_up and matmul_residual with these five. */
export const MOE_SHADERS = ['moe_route', 'moe_group', 'moe_up', 'moe_down', 'moe_combine'] as const;
export const SHADER_NAMES = [...DENSE_SHADERS, ...MOE_SHADERS] as const;
export type ShaderName = (typeof SHADER_NAMES)[number];
export type MoeShaderName = (typeof MOE_SHADERS)[number];
export type ShaderSources = Record<ShaderName, string>;

function bundled(): Record<string, string> | null {
  try {
    return import.meta.glob('../../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
  } catch {
    return null; // not transformed by Vite: import.meta.glob is undefined
  }
}

async function fromDisk(): Promise<Record<string, string>> {
  // A variable specifier keeps bundlers from pulling node:fs into the browser build.
  const fsModule = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const files: Record<string, string> = {};
  for (const name of SHADER_NAMES) files[`${name}.wgsl`] = await fs.readFile(new URL(`../../../shaders/${name}.wgsl`, import.meta.url), 'utf8');
  return files;
}

let cache: Promise<ShaderSources> | null = null;

export function loadShaders(): Promise<ShaderSources> {
  cache ??= (async () => {
    const files = bundled() ?? (await fromDisk());
    const byName = Object.fromEntries(Object.entries(files).map(([path, text]) => [path.replace(/^.*\//, '').replace(/\.wgsl$/, ''), text]));
    for (const name of SHADER_NAMES) if (typeof byName[name] !== 'string') throw new Error(`shader ${name}.wgsl is missing from shaders/`);
    return byName as ShaderSources;
  })();
  return cache;
}
