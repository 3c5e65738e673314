// Unfused attention, step 1 of 3 (the textbook way, for comparison with attention_out's fused
// one): every score q_h . k_s / sqrt(head_size) of every token, head and cached position written
// to memory, (T, n_heads, seq_len). attn_softmax normalizes them in place, attn_values multiplies
// them by V. The matrix is what FlashAttention never writes: T x heads x context floats per layer.

struct Step { tokens: u32, rows: u32 }
struct TokenInfo { token: u32, pos: u32, slot: u32, table: u32 }

override DIM: u32;
override KV_DIM: u32;
override HEAD_SIZE: u32;
override BLOCK_SIZE: u32;
override SEQ_LEN: u32;
override WG: u32 = 64;
override N_HEADS: u32 = DIM / HEAD_SIZE;
override KV_MUL: u32 = DIM / KV_DIM;
override DIM4: u32 = DIM / 4u;
override KV4: u32 = KV_DIM / 4u;
override HEAD4: u32 = HEAD_SIZE / 4u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> tokens: array<TokenInfo>; // (T)
@group(0) @binding(2) var<storage, read> tables: array<u32>; // block tables, one run per sequence
@group(0) @binding(3) var<storage, read> q: array<vec4f>; // (T, dim)
// #if kv == f32
@group(0) @binding(4) var<storage, read> key_cache: array<vec4f>; // (block, block_size, kv_dim) of this layer
// #endif
// #if kv == f16
@group(0) @binding(4) var<storage, read> key_cache: array<vec2u>;
// #endif
// #if kv == int8
@group(0) @binding(4) var<storage, read> key_cache: array<u32>;
// #endif
@group(0) @binding(5) var<storage, read_write> scores: array<f32>; // (T, n_heads, seq_len)

// #include kv_read

// x: cached position s; y: token t * N_HEADS + head h.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let s = gid.x;
  let t = gid.y / N_HEADS;
  let h = gid.y % N_HEADS;
  if (t >= step.tokens) {
    return;
  }
  let info = tokens[t];
  if (s > info.pos) {
    return;
  }
  let slot = tables[info.table + s / BLOCK_SIZE] * BLOCK_SIZE + s % BLOCK_SIZE;
  let kvh = h / KV_MUL;
  var score = 0.0;
  for (var i = 0u; i < HEAD4; i++) {
    score += dot(q[t * DIM4 + h * HEAD4 + i], load_k(slot, kvh, i));
  }
  scores[(t * N_HEADS + h) * SEQ_LEN + s] = score * inverseSqrt(f32(HEAD_SIZE));
}
