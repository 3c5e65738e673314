// One attention input stage per layer: RMSNorm, the q/k/v projections, rotary embedding, and the
// K/V write into the paged pool, fused so that q is the only activation that leaves the kernel.
//
// The weight is the three projections stacked (q rows, then k, then v), transposed to (dim, out4)
// vec4 columns with the RMSNorm gain folded in (float32; int8 keeps the gain apart, weights.wgsl):
// adjacent invocations read adjacent vec4s (coalesced), and each load serves the TILE tokens of
// the invocation. The norm's 1/rms is applied after the dot product, from sums of squares gathered
// in the same loop over x. An f16 cache gets each rotated pair packed into one word; an int8 cache
// needs every value of a head for its scale, so K and V go to kv_new and kv_quant stores them.

struct Step { tokens: u32, rows: u32 }
struct TokenInfo { token: u32, pos: u32, slot: u32, table: u32 }

override DIM: u32;
override KV_DIM: u32;
override HEAD_SIZE: u32;
override WG: u32 = 64;
override OUT4: u32 = (DIM + 2u * KV_DIM + 3u) / 4u;
const TILE: u32 = 4u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> tokens: array<TokenInfo>; // (T)
@group(0) @binding(2) var<storage, read> x: array<f32>; // (T, dim) residual stream
// #if weights == int8
@group(0) @binding(3) var<storage, read> w: array<u32>; // (dim, out4) int8 [wq; wk; wv]^T, scales, gain
// #else
@group(0) @binding(3) var<storage, read> w: array<vec4f>; // (dim, out4) gain-folded [wq; wk; wv]^T
// #endif
@group(0) @binding(4) var<storage, read> rope: array<vec2f>; // (seq_len, head_size / 2) (cos, sin)
@group(0) @binding(5) var<storage, read_write> q: array<f32>; // (T, dim)
// #if kv == f32
@group(0) @binding(6) var<storage, read_write> key_cache: array<f32>; // (block, block_size, kv_dim) of this layer
@group(0) @binding(7) var<storage, read_write> value_cache: array<f32>; // (block, block_size, kv_dim) of this layer
// #endif
// #if kv == f16
@group(0) @binding(6) var<storage, read_write> key_cache: array<u32>; // (block, block_size, kv_dim / 2) of this layer
@group(0) @binding(7) var<storage, read_write> value_cache: array<u32>; // (block, block_size, kv_dim / 2) of this layer
// #endif
// #if kv == int8
@group(0) @binding(6) var<storage, read_write> kv_new: array<f32>; // (T, 2, kv_dim) this step's K and V, for kv_quant
// #endif

// #include weights

// Stores a K (kind 0) or V (kind 1) pair at offset j of its row, in the cache's format.
fn store_kv(kind: u32, t: u32, info: TokenInfo, j: u32, a: f32, b: f32) {
  // #if kv == f32
  let i = info.slot * KV_DIM + j;
  if (kind == 0u) {
    key_cache[i] = a;
    key_cache[i + 1u] = b;
  } else {
    value_cache[i] = a;
    value_cache[i + 1u] = b;
  }
  // #endif
  // #if kv == f16
  let word = pack2x16float(vec2f(a, b));
  if (kind == 0u) {
    key_cache[(info.slot * KV_DIM + j) / 2u] = word;
  } else {
    value_cache[(info.slot * KV_DIM + j) / 2u] = word;
  }
  // #endif
  // #if kv == int8
  let i = (2u * t + kind) * KV_DIM + j;
  kv_new[i] = a;
  kv_new[i + 1u] = b;
  // #endif
}

// Rotates the interleaved pair (o, o + 1), o even, and stores it where its kind of output goes.
fn store_pair(t: u32, info: TokenInfo, o: u32, a: f32, b: f32) {
  if (o >= DIM + KV_DIM) {
    store_kv(1u, t, info, o - DIM - KV_DIM, a, b);
    return;
  }
  let in_k = o >= DIM;
  let j = select(o, o - DIM, in_k);
  let cs = rope[info.pos * (HEAD_SIZE / 2u) + (j % HEAD_SIZE) / 2u];
  let ra = a * cs.x - b * cs.y;
  let rb = a * cs.y + b * cs.x;
  if (in_k) {
    store_kv(0u, t, info, j, ra, rb);
  } else {
    q[t * DIM + j] = ra;
    q[t * DIM + j + 1u] = rb;
  }
}

// One token's four outputs o4 * 4 .. o4 * 4 + 3: two rotary pairs, as regions start at even offsets.
fn store_row(t: u32, o4: u32, y: vec4f) {
  if (t >= step.tokens) {
    return;
  }
  let info = tokens[t];
  let o = o4 * 4u;
  if (o < DIM + 2u * KV_DIM) {
    store_pair(t, info, o, y.x, y.y);
  }
  if (o + 2u < DIM + 2u * KV_DIM) {
    store_pair(t, info, o + 2u, y.z, y.w);
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
  let rows = vec4u(t0, min(t0 + 1u, last), min(t0 + 2u, last), min(t0 + 3u, last)) * DIM;
  // Column u holds token t0 + u; written out, not looped, so the tile stays in registers.
  var acc = mat4x4f();
  var ss = vec4f();
  for (var g = 0u; g * GROUP < DIM; g++) {
    let sc = w_scale(g * OUT4 + o4);
    for (var k = g * GROUP; k < min(DIM, (g + 1u) * GROUP); k++) {
      let wk = w_at(k * OUT4 + o4) * sc;
      let xk = vec4f(x[rows.x + k], x[rows.y + k], x[rows.z + k], x[rows.w + k]);
      let xg = xk * w_gain(k);
      acc += mat4x4f(wk * xg.x, wk * xg.y, wk * xg.z, wk * xg.w);
      ss += xk * xk;
    }
  }
  let inv = inverseSqrt(ss / f32(DIM) + 1e-5);
  store_row(t0, o4, acc[0] * inv.x);
  store_row(t0 + 1u, o4, acc[1] * inv.y);
  store_row(t0 + 2u, o4, acc[2] * inv.z);
  store_row(t0 + 3u, o4, acc[3] * inv.w);
}
