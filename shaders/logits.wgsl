// The classifier on the rows whose logits are needed (a sequence's last token, or all of its
// tokens on request): final RMSNorm folded into the classifier, logits[r] = Wcls rmsnorm(x[row r]).
// Wcls^T is stored as (dim, vocab4) vec4 columns: coalesced, each load serving TILE rows.

struct Step { tokens: u32, rows: u32 }

override DIM: u32;
override VOCAB: u32;
override WG: u32 = 64;
override VOCAB4: u32 = (VOCAB + 3u) / 4u;
const TILE: u32 = 4u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> rows: array<u32>; // (R) token index of each logits row
@group(0) @binding(2) var<storage, read> x: array<f32>; // (T, dim) residual stream
// #if weights == int8
@group(0) @binding(3) var<storage, read> w: array<u32>; // (dim, vocab4) int8 classifier^T, scales, gain
// #else
@group(0) @binding(3) var<storage, read> w: array<vec4f>; // (dim, vocab4) gain-folded classifier^T
// #endif
@group(0) @binding(4) var<storage, read_write> logits: array<f32>; // (R, vocab)

// #include weights

fn store_row(r: u32, o4: u32, y: vec4f) {
  if (r >= step.rows) {
    return;
  }
  for (var c = 0u; c < 4u && o4 * 4u + c < VOCAB; c++) {
    logits[r * VOCAB + o4 * 4u + c] = y[c];
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o4 = gid.x;
  let r0 = gid.y * TILE;
  if (o4 >= VOCAB4 || r0 >= step.rows) {
    return;
  }
  // Rows past the last one repeat it, so the loop needs no bounds checks; they are not stored.
  let last = step.rows - 1u;
  let at = vec4u(rows[r0], rows[min(r0 + 1u, last)], rows[min(r0 + 2u, last)], rows[min(r0 + 3u, last)]) * DIM;
  // Column u holds row r0 + u; written out, not looped, so the tile stays in registers.
  var acc = mat4x4f();
  var ss = vec4f();
  for (var g = 0u; g * GROUP < DIM; g++) {
    let sc = w_scale(g * VOCAB4 + o4);
    for (var k = g * GROUP; k < min(DIM, (g + 1u) * GROUP); k++) {
      let wk = w_at(k * VOCAB4 + o4) * sc;
      let xk = vec4f(x[at.x + k], x[at.y + k], x[at.z + k], x[at.w + k]);
      let xg = xk * w_gain(k);
      acc += mat4x4f(wk * xg.x, wk * xg.y, wk * xg.z, wk * xg.w);
      ss += xk * xk;
    }
  }
  let inv = inverseSqrt(ss / f32(DIM) + 1e-5);
  store_row(r0, o4, acc[0] * inv.x);
  store_row(r0 + 1u, o4, acc[1] * inv.y);
  store_row(r0 + 2u, o4, acc[2] * inv.z);
  store_row(r0 + 3u, o4, acc[3] * inv.w);
}
