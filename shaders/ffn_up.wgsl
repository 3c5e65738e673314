// The feed-forward input stage: RMSNorm, the w1 and w3 projections and SwiGLU,
// h = silu(w1 xn) * (w3 xn), fused so that only h leaves the kernel.
//
// The weight holds w1^T and w3^T with the RMSNorm gain folded in, interleaved per vec4 of
// outputs: (dim, hidden4, 2). Adjacent invocations read adjacent vec4 pairs (coalesced) and each
// load serves the TILE tokens of the invocation; 1/rms comes from sums of squares gathered in the
// same loop.

struct Step { tokens: u32, rows: u32 }

override DIM: u32;
override HIDDEN: u32;
override WG: u32 = 64;
override HIDDEN4: u32 = (HIDDEN + 3u) / 4u;
const TILE: u32 = 4u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> x: array<f32>; // (T, dim) residual stream
// #if weights == int8
@group(0) @binding(2) var<storage, read> w: array<u32>; // (dim, hidden4, 2) int8 w1^T, w3^T, scales, gain
// #else
@group(0) @binding(2) var<storage, read> w: array<vec4f>; // (dim, hidden4, 2) gain-folded w1^T, w3^T
// #endif
@group(0) @binding(3) var<storage, read_write> h: array<f32>; // (T, hidden)

// #include weights

fn store_row(t: u32, o4: u32, gate: vec4f, up: vec4f) {
  if (t >= step.tokens) {
    return;
  }
  let y = gate / (1.0 + exp(-gate)) * up;
  for (var c = 0u; c < 4u && o4 * 4u + c < HIDDEN; c++) {
    h[t * HIDDEN + o4 * 4u + c] = y[c];
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o4 = gid.x;
  let t0 = gid.y * TILE;
  if (o4 >= HIDDEN4 || t0 >= step.tokens) {
    return;
  }
  // Rows past the last token repeat it, so the loop needs no bounds checks; they are not stored.
  let last = step.tokens - 1u;
  let rows = vec4u(t0, min(t0 + 1u, last), min(t0 + 2u, last), min(t0 + 3u, last)) * DIM;
  // Column u holds token t0 + u; written out, not looped, so the tiles stay in registers.
  var gate = mat4x4f();
  var up = mat4x4f();
  var ss = vec4f();
  for (var g = 0u; g * GROUP < DIM; g++) {
    let s1 = w_scale((g * HIDDEN4 + o4) * 2u);
    let s3 = w_scale((g * HIDDEN4 + o4) * 2u + 1u);
    for (var k = g * GROUP; k < min(DIM, (g + 1u) * GROUP); k++) {
      let w1 = w_at((k * HIDDEN4 + o4) * 2u) * s1;
      let w3 = w_at((k * HIDDEN4 + o4) * 2u + 1u) * s3;
      let xk = vec4f(x[rows.x + k], x[rows.y + k], x[rows.z + k], x[rows.w + k]);
      let xg = xk * w_gain(k);
      gate += mat4x4f(w1 * xg.x, w1 * xg.y, w1 * xg.z, w1 * xg.w);
      up += mat4x4f(w3 * xg.x, w3 * xg.y, w3 * xg.z, w3 * xg.w);
      ss += xk * xk;
    }
  }
  let inv = inverseSqrt(ss / f32(DIM) + 1e-5);
  store_row(t0, o4, gate[0] * inv.x, up[0] * inv.x);
  store_row(t0 + 1u, o4, gate[1] * inv.y, up[1] * inv.y);
  store_row(t0 + 2u, o4, gate[2] * inv.z, up[2] * inv.z);
  store_row(t0 + 3u, o4, gate[3] * inv.w, up[3] * inv.w);
}
