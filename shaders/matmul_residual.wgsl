// The feed-forward output stage with the residual add: x[t] += W a[t], W (out, in).
// W is stored transposed as (in, out4) vec4 columns: adjacent invocations read adjacent vec4s
// (coalesced), and each weight load serves the TILE tokens of the invocation, whose partial sums
// are the columns of one 4x4 matrix (written out, not looped, so they stay in registers).

struct Step { tokens: u32, rows: u32 }

override IN: u32;
override OUT: u32;
override WG: u32 = 64;
override OUT4: u32 = (OUT + 3u) / 4u;
const TILE: u32 = 4u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> a: array<f32>; // (T, in)
// #if weights == int8
@group(0) @binding(2) var<storage, read> w: array<u32>; // (in, out4) int8 W^T, then scales
// #else
@group(0) @binding(2) var<storage, read> w: array<vec4f>; // (in, out4) W^T
// #endif
@group(0) @binding(3) var<storage, read_write> x: array<f32>; // (T, out) residual stream

// #include weights

fn add_row(t: u32, o4: u32, y: vec4f) {
  if (t >= step.tokens) {
    return;
  }
  for (var c = 0u; c < 4u && o4 * 4u + c < OUT; c++) {
    x[t * OUT + o4 * 4u + c] += y[c];
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o4 = gid.x;
  let t0 = gid.y * TILE;
  if (o4 >= OUT4 || t0 >= step.tokens) {
    return;
  }
  // Rows past the last token repeat it, so the loop needs no bounds checks; they are not stored.
  let last = step.tokens - 1u;
  let rows = vec4u(t0, min(t0 + 1u, last), min(t0 + 2u, last), min(t0 + 3u, last)) * IN;
  var acc = mat4x4f();
  for (var g = 0u; g * GROUP < IN; g++) {
    let sc = w_scale(g * OUT4 + o4);
    for (var k = g * GROUP; k < min(IN, (g + 1u) * GROUP); k++) {
      let wk = w_at(k * OUT4 + o4) * sc;
      let xk = vec4f(a[rows.x + k], a[rows.y + k], a[rows.z + k], a[rows.w + k]);
      acc += mat4x4f(wk * xk.x, wk * xk.y, wk * xk.z, wk * xk.w);
    }
  }
  add_row(t0, o4, acc[0]);
  add_row(t0 + 1u, o4, acc[1]);
  add_row(t0 + 2u, o4, acc[2]);
  add_row(t0 + 3u, o4, acc[3]);
}
