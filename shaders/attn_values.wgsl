// Unfused attention, step 3 of 3: out (T, dim) = the softmaxed scores times V, one invocation per
// token and vec4 of the output; matmul_residual then applies wo and the residual add.

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
@group(0) @binding(2) var<storage, read> tables: array<u32>; // block tables
@group(0) @binding(3) var<storage, read> scores: array<f32>; // (T, n_heads, seq_len) softmaxed
// #if kv == f32
@group(0) @binding(4) var<storage, read> value_cache: array<vec4f>; // (block, block_size, kv_dim) of this layer
// #endif
// #if kv == f16
@group(0) @binding(4) var<storage, read> value_cache: array<vec2u>;
// #endif
// #if kv == int8
@group(0) @binding(4) var<storage, read> value_cache: array<u32>;
// #endif
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>; // (T, dim)

// #include kv_read

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x / DIM4;
  let c4 = gid.x % DIM4;
  if (t >= step.tokens) {
    return;
  }
  let info = tokens[t];
  let h = c4 / HEAD4;
  let i = c4 % HEAD4;
  let kvh = h / KV_MUL;
  let base = (t * N_HEADS + h) * SEQ_LEN;
  var acc = vec4f();
  for (var s = 0u; s <= info.pos; s++) {
    let slot = tables[info.table + s / BLOCK_SIZE] * BLOCK_SIZE + s % BLOCK_SIZE;
    acc += scores[base + s] * load_v(slot, kvh, i);
  }
  out[t * DIM4 + c4] = acc;
}
