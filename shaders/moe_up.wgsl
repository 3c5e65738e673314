// Mixture of experts, step 3 of 5: each expert's input stage (RMSNorm, w1 and w3, SwiGLU, as
// ffn_up) over only the tokens routed to it. Invocations run along the grouped rows from
// moe_group, TILE rows of one expert each: one weight load serves every token of the tile, so an
// expert's weights are read once per tile of its tokens, and experts no token chose are not read.
// Gain-folded weights of all experts in turn: (E, dim, hidden4, 2).

struct Step { tokens: u32, rows: u32 }

override DIM: u32;
override HIDDEN: u32;
override K: u32;
override WG: u32 = 64;
override HIDDEN4: u32 = (HIDDEN + 3u) / 4u;
const TILE: u32 = 4u;
const NONE: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> x: array<f32>; // (T, dim) residual stream
@group(0) @binding(2) var<storage, read> w: array<vec4f>; // (E, dim, hidden4, 2)
@group(0) @binding(3) var<storage, read> slots: array<u32>; // grouped rows: slot id (t * K + j), or NONE
@group(0) @binding(4) var<storage, read> tile_expert: array<u32>;
@group(0) @binding(5) var<storage, read_write> h: array<f32>; // (rows, hidden)

fn store_row(r: u32, o4: u32, gate: vec4f, up: vec4f) {
  if (slots[r] == NONE) {
    return;
  }
  let y = gate / (1.0 + exp(-gate)) * up;
  for (var c = 0u; c < 4u && o4 * 4u + c < HIDDEN; c++) {
    h[r * HIDDEN + o4 * 4u + c] = y[c];
  }
}

/** Token of grouped row r; padding rows repeat the tile's first token (computed, never stored). */
fn token_row(r: u32, first: u32) -> u32 {
  let s = slots[r];
  return select(s / K, first, s == NONE) * DIM;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o4 = gid.x;
  let r0 = gid.y * TILE;
  let e = tile_expert[gid.y];
  if (o4 >= HIDDEN4 || e == NONE) {
    return;
  }
  let first = slots[r0] / K; // a tile's first row is always a token
  let rows = vec4u(first * DIM, token_row(r0 + 1u, first), token_row(r0 + 2u, first), token_row(r0 + 3u, first));
  let base = e * DIM * HIDDEN4 * 2u;
  var gate = mat4x4f();
  var up = mat4x4f();
  var ss = vec4f();
  for (var k = 0u; k < DIM; k++) {
    let w1 = w[base + (k * HIDDEN4 + o4) * 2u];
    let w3 = w[base + (k * HIDDEN4 + o4) * 2u + 1u];
    let xk = vec4f(x[rows.x + k], x[rows.y + k], x[rows.z + k], x[rows.w + k]);
    gate += mat4x4f(w1 * xk.x, w1 * xk.y, w1 * xk.z, w1 * xk.w);
    up += mat4x4f(w3 * xk.x, w3 * xk.y, w3 * xk.z, w3 * xk.w);
    ss += xk * xk;
  }
  let inv = inverseSqrt(ss / f32(DIM) + 1e-5);
  store_row(r0, o4, gate[0] * inv.x, up[0] * inv.x);
  store_row(r0 + 1u, o4, gate[1] * inv.y, up[1] * inv.y);
  store_row(r0 + 2u, o4, gate[2] * inv.z, up[2] * inv.z);
  store_row(r0 + 3u, o4, gate[3] * inv.w, up[3] * inv.w);
}
