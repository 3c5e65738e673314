// Paged causal attention, then the output projection with the residual add, for TILE tokens per
// workgroup (selective batching: attention is per sequence, the projection is shared).
//
// Phase 1: one invocation per (token, query head) attends over its own sequence's positions
// 0..pos, found through the block table, with a numerically stable online softmax; grouped-query
// heads read their shared kv head. Heads are handled as vec4s, so head_size % 4 == 0.
// Phase 2: x[t] += Wo att[t] for the TILE tokens, each wo^T vec4 load serving all of them.

struct Step { tokens: u32, rows: u32 }
struct TokenInfo { token: u32, pos: u32, slot: u32, table: u32 }

override DIM: u32;
override KV_DIM: u32;
override HEAD_SIZE: u32;
override BLOCK_SIZE: u32;
override WG: u32 = 64;
override N_HEADS: u32 = DIM / HEAD_SIZE;
override KV_MUL: u32 = DIM / KV_DIM;
override DIM4: u32 = DIM / 4u;
override KV4: u32 = KV_DIM / 4u;
override HEAD4: u32 = HEAD_SIZE / 4u;
const TILE: u32 = 4u;
const MAX_HEAD4: u32 = 32u; // head_size <= 128

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> tokens: array<TokenInfo>; // (T)
@group(0) @binding(2) var<storage, read> tables: array<u32>; // block tables, one run per sequence
@group(0) @binding(3) var<storage, read> q: array<vec4f>; // (T, dim)
// #if kv == f32
@group(0) @binding(4) var<storage, read> key_cache: array<vec4f>; // (block, block_size, kv_dim) of this layer
@group(0) @binding(5) var<storage, read> value_cache: array<vec4f>; // (block, block_size, kv_dim) of this layer
// #endif
// #if kv == f16
@group(0) @binding(4) var<storage, read> key_cache: array<vec2u>; // (block, block_size, kv_dim / 4) fp16 pairs
@group(0) @binding(5) var<storage, read> value_cache: array<vec2u>;
// #endif
// #if kv == int8
@group(0) @binding(4) var<storage, read> key_cache: array<u32>; // (block, block_size, row_words) int8 + scales
@group(0) @binding(5) var<storage, read> value_cache: array<u32>;
// #endif
// #if weights == int8
@group(0) @binding(6) var<storage, read> w: array<u32>; // (dim, dim4) int8 wo^T, then scales
// #else
@group(0) @binding(6) var<storage, read> w: array<vec4f>; // (dim, dim4) wo^T
// #endif
@group(0) @binding(7) var<storage, read_write> x: array<vec4f>; // (T, dim) residual stream

var<workgroup> att: array<vec4f, TILE * DIM4>; // (TILE, dim) attention output

// #include kv_read
// #include weights

fn attend(u: u32, t: u32, h: u32) {
  let info = tokens[t];
  let kvh = h / KV_MUL;
  var qh: array<vec4f, MAX_HEAD4>;
  var acc: array<vec4f, MAX_HEAD4>;
  let scale = inverseSqrt(f32(HEAD_SIZE));
  for (var i = 0u; i < HEAD4; i++) {
    qh[i] = q[t * DIM4 + h * HEAD4 + i] * scale;
  }
  // Running max and sum of the softmax; the output is rescaled whenever the max grows.
  var m = -3.0e38;
  var l = 0.0;
  for (var s = 0u; s <= info.pos; s++) {
    let slot = tables[info.table + s / BLOCK_SIZE] * BLOCK_SIZE + s % BLOCK_SIZE;
    var score = 0.0;
    for (var i = 0u; i < HEAD4; i++) {
      score += dot(qh[i], load_k(slot, kvh, i));
    }
    // One exp per position: exp(smaller - larger) is the new weight or the old sums' rescale.
    let grew = score > m;
    let e = exp(min(m, score) - max(m, score));
    let rescale = select(1.0, e, grew);
    let weight = select(e, 1.0, grew);
    l = l * rescale + weight;
    for (var i = 0u; i < HEAD4; i++) {
      acc[i] = acc[i] * rescale + weight * load_v(slot, kvh, i);
    }
    m = max(m, score);
  }
  for (var i = 0u; i < HEAD4; i++) {
    att[u * DIM4 + h * HEAD4 + i] = acc[i] / l;
  }
}

fn add_row(t: u32, o4: u32, y: vec4f) {
  if (t < step.tokens) {
    x[t * DIM4 + o4] += y;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t0 = wid.x * TILE;
  let n = min(TILE, step.tokens - t0);
  for (var p = lid; p < n * N_HEADS; p += WG) {
    attend(p / N_HEADS, t0 + p / N_HEADS, p % N_HEADS);
  }
  workgroupBarrier();
  // Rows past the last token repeat it (never stored); column u of acc is token t0 + u.
  let u = vec4u(0u, min(1u, n - 1u), min(2u, n - 1u), min(3u, n - 1u)) * DIM4;
  for (var o4 = lid; o4 < DIM4; o4 += WG) {
    var acc = mat4x4f();
    for (var g = 0u; g * GROUP < DIM; g++) {
      // Groups are whole vec4s of inputs (GROUP is 32 or DIM, DIM a multiple of 4).
      let sc = w_scale(g * DIM4 + o4);
      for (var k4 = g * GROUP / 4u; k4 < min(DIM, (g + 1u) * GROUP) / 4u; k4++) {
        let wk = mat4x4f(w_at(4u * k4 * DIM4 + o4) * sc, w_at((4u * k4 + 1u) * DIM4 + o4) * sc, w_at((4u * k4 + 2u) * DIM4 + o4) * sc, w_at((4u * k4 + 3u) * DIM4 + o4) * sc);
        acc += wk * mat4x4f(att[u.x + k4], att[u.y + k4], att[u.z + k4], att[u.w + k4]);
      }
    }
    add_row(t0, o4, acc[0]);
    add_row(t0 + 1u, o4, acc[1]);
    add_row(t0 + 2u, o4, acc[2]);
    add_row(t0 + 3u, o4, acc[3]);
  }
}
