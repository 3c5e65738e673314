/**
 * Just enough WGSL reflection that bind group layouts and host-written structs come from the
 * shader text itself, never from binding numbers or byte offsets kept by hand in TypeScript.
 * Covers what our kernels use: group-0 bindings, and structs of 4-byte scalars.
 */

export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

export interface ShaderBinding {
  binding: number;
  name: string;
  kind: BindingKind;
}

const BINDING = /@group\(0\)\s*@binding\((\d+)\)\s*var<(uniform|storage)(?:,\s*(read|read_write))?>\s*(\w+)\s*:/g;

export function shaderBindings(wgsl: string): ShaderBinding[] {
  return [...wgsl.matchAll(BINDING)].map(([, binding, space, access, name]) => ({
    binding: Number(binding),
    name,
    kind: space === 'uniform' ? 'uniform' : access === 'read_write' ? 'storage' : 'read-only-storage',
  }));
}

export type ScalarType = 'u32' | 'i32' | 'f32';

export interface StructLayout {
  name: string;
  /** Byte size, which is also the array stride: 4-byte scalars need no padding. */
  size: number;
  fields: { name: string; type: ScalarType; offset: number }[];
}

export function structLayout(wgsl: string, name: string): StructLayout {
  const body = new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`).exec(wgsl)?.[1];
  if (body === undefined) throw new Error(`WGSL has no struct ${name}`);
  const fields = body
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f, i) => {
      const [field, type] = f.split(':').map((s) => s.trim());
      if (type !== 'u32' && type !== 'i32' && type !== 'f32') throw new Error(`struct ${name}: field ${field} has type ${type}; only 4-byte scalars are supported`);
      return { name: field, type: type as ScalarType, offset: 4 * i };
    });
  return { name, size: 4 * fields.length, fields };
}

/** Writes one struct at `byteOffset`; every field must be given. */
export function writeStruct(view: DataView, byteOffset: number, layout: StructLayout, values: Record<string, number>): void {
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) throw new Error(`struct ${layout.name}: no value for ${f.name}`);
    const at = byteOffset + f.offset;
    if (f.type === 'f32') view.setFloat32(at, v, true);
    else if (f.type === 'i32') view.setInt32(at, v, true);
    else view.setUint32(at, v >>> 0, true);
  }
}

/** The value of an integer `const NAME: u32 = N;` the host must agree with (e.g. a tile size). */
export function shaderConst(wgsl: string, name: string): number {
  const m = new RegExp(`const\\s+${name}\\s*:\\s*u32\\s*=\\s*(\\d+)u?\\s*;`).exec(wgsl);
  if (!m) throw new Error(`WGSL has no const ${name}: u32`);
  return Number(m[1]);
}
