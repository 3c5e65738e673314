// Mixture of experts, step 4 of 5: each expert's output projection ye[r] = W2[e] h[r] over its
// grouped rows (as matmul_residual, without the residual add: a token's k outputs are combined,
// weighted, by moe_combine). W2 of all experts in turn, transposed: (E, hidden, dim4).

struct Step { tokens: u32, rows: u32 }

override IN: u32;
override OUT: u32;
override WG: u32 = 64;
override OUT4: u32 = (OUT + 3u) / 4u;
const TILE: u32 = 4u;
const NONE: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> h: array<f32>; // (rows, in)
@group(0) @binding(2) var<storage, read> w: array<vec4f>; // (E, in, out4)
@group(0) @binding(3) var<storage, read> slots: array<u32>;
@group(0) @binding(4) var<storage, read> tile_expert: array<u32>;
@group(0) @binding(5) var<storage, read_write> ye: array<f32>; // (rows, out)

fn store_row(r: u32, o4: u32, y: vec4f) {
  if (slots[r] == NONE) {
    return;
  }
  for (var c = 0u; c < 4u && o4 * 4u + c < OUT; c++) {
    ye[r * OUT + o4 * 4u + c] = y[c];
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o4 = gid.x;
  let r0 = gid.y * TILE;
  let e = tile_expert[gid.y];
  if (o4 >= OUT4 || e == NONE) {
    return;
  }
  // Padding rows read the tile's first row (never stored).
  let rows = vec4u(r0, select(r0 + 1u, r0, slots[r0 + 1u] == NONE), select(r0 + 2u, r0, slots[r0 + 2u] == NONE), select(r0 + 3u, r0, slots[r0 + 3u] == NONE)) * IN;
  let base = e * IN * OUT4;
  var acc = mat4x4f();
  for (var k = 0u; k < IN; k++) {
    let wk = w[base + k * OUT4 + o4];
    let xk = vec4f(h[rows.x + k], h[rows.y + k], h[rows.z + k], h[rows.w + k]);
    acc += mat4x4f(wk * xk.x, wk * xk.y, wk * xk.z, wk * xk.w);
  }
  store_row(r0, o4, acc[0]);
  store_row(r0 + 1u, o4, acc[1]);
  store_row(r0 + 2u, o4, acc[2]);
  store_row(r0 + 3u, o4, acc[3]);
}
