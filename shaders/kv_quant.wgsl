// Stores this step's K and V rows (kv_new, written by qkv_rope) into an int8 KV pool: per token
// and kv head, d = max|v| / 127, q = round(v / d) computed as v * (1 / d) and rounded half away
// from zero, d kept as fp16 after the row's values (engine/model/quant/kv-codec.ts, the same rule
// as llama.cpp's Q8_0). One invocation per (token, K or V) writes the whole row, so the two heads
// that share a scale word never race.

struct Step { tokens: u32, rows: u32 }
struct TokenInfo { token: u32, pos: u32, slot: u32, table: u32 }

override KV_DIM: u32;
override HEAD_SIZE: u32;
override ROW_WORDS: u32;
override WG: u32 = 64;
override KV4: u32 = KV_DIM / 4u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> tokens: array<TokenInfo>; // (T)
@group(0) @binding(2) var<storage, read> kv_new: array<f32>; // (T, 2, kv_dim)
@group(0) @binding(3) var<storage, read_write> key_cache: array<u32>; // (block, block_size, row_words) of this layer
@group(0) @binding(4) var<storage, read_write> value_cache: array<u32>;

// C's roundf, exactly: to nearest, halves away from zero.
fn round_away(v: f32) -> f32 {
  let a = abs(v);
  var r = floor(a);
  if (a - r >= 0.5) {
    r += 1.0;
  }
  return select(r, -r, v < 0.0);
}

fn store(kind: u32, at: u32, word: u32) {
  if (kind == 0u) {
    key_cache[at] = word;
  } else {
    value_cache[at] = word;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x / 2u;
  let kind = gid.x % 2u;
  if (t >= step.tokens) {
    return;
  }
  let src = (2u * t + kind) * KV_DIM;
  let row = tokens[t].slot * ROW_WORDS;
  var scales = vec2f();
  for (var h = 0u; h * HEAD_SIZE < KV_DIM; h++) {
    let h0 = src + h * HEAD_SIZE;
    var amax = 0.0;
    for (var i = 0u; i < HEAD_SIZE; i++) {
      amax = max(amax, abs(kv_new[h0 + i]));
    }
    let d = amax / 127.0;
    let id = select(0.0, 1.0 / d, d != 0.0);
    for (var i = 0u; i < HEAD_SIZE; i += 4u) {
      let q = vec4i(vec4f(round_away(kv_new[h0 + i] * id), round_away(kv_new[h0 + i + 1u] * id), round_away(kv_new[h0 + i + 2u] * id), round_away(kv_new[h0 + i + 3u] * id)));
      let b = vec4u(bitcast<vec4u>(q) & vec4u(255u));
      store(kind, row + (h * HEAD_SIZE + i) / 4u, b.x | (b.y << 8u) | (b.z << 16u) | (b.w << 24u));
    }
    if ((h & 1u) == 0u) {
      scales = vec2f(d, 0.0);
    } else {
      scales.y = d;
    }
    if ((h & 1u) == 1u || (h + 1u) * HEAD_SIZE >= KV_DIM) {
      store(kind, row + KV4 + h / 2u, pack2x16float(scales));
    }
  }
}
