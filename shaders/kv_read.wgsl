// Snippet (not a kernel): one vec4 of a cached K or V head vector, by KV format, for kernels that
// declare key_cache and/or value_cache (the setting `reads`: kv, k or v) and the overrides KV4 and
// HEAD4. Rows are laid out as engine/model/quant/kv-codec.ts writes them: f32 (kv_dim floats), f16
// (kv_dim halves, two per word, unpack2x16float: core WGSL, no shader-f16 needed), int8 (kv_dim
// bytes, then one fp16 scale per kv head, two per word). Values come back as float32, the int8
// ones as q * scale.

// #if kv == f32
// #if reads == kv|k
fn load_k(slot: u32, kvh: u32, i: u32) -> vec4f {
  return key_cache[slot * KV4 + kvh * HEAD4 + i];
}
// #endif

// #if reads == kv|v
fn load_v(slot: u32, kvh: u32, i: u32) -> vec4f {
  return value_cache[slot * KV4 + kvh * HEAD4 + i];
}
// #endif
// #endif
// #if kv == f16
fn halves(h: vec2u) -> vec4f {
  return vec4f(unpack2x16float(h.x), unpack2x16float(h.y));
}

// #if reads == kv|k
fn load_k(slot: u32, kvh: u32, i: u32) -> vec4f {
  return halves(key_cache[slot * KV4 + kvh * HEAD4 + i]);
}
// #endif

// #if reads == kv|v
fn load_v(slot: u32, kvh: u32, i: u32) -> vec4f {
  return halves(value_cache[slot * KV4 + kvh * HEAD4 + i]);
}
// #endif
// #endif
// #if kv == int8
override ROW_WORDS: u32;

fn bytes4(b: u32) -> vec4f {
  return vec4f(bitcast<vec4i>(vec4u(b << 24u, b << 16u, b << 8u, b)) >> vec4u(24u));
}

fn row_scale(word: u32, kvh: u32) -> f32 {
  let s = unpack2x16float(word);
  return select(s.x, s.y, (kvh & 1u) == 1u);
}

// #if reads == kv|k
fn load_k(slot: u32, kvh: u32, i: u32) -> vec4f {
  let r = slot * ROW_WORDS;
  return bytes4(key_cache[r + kvh * HEAD4 + i]) * row_scale(key_cache[r + KV4 + kvh / 2u], kvh);
}
// #endif

// #if reads == kv|v
fn load_v(slot: u32, kvh: u32, i: u32) -> vec4f {
  let r = slot * ROW_WORDS;
  return bytes4(value_cache[r + kvh * HEAD4 + i]) * row_scale(value_cache[r + KV4 + kvh / 2u], kvh);
}
// #endif
// #endif
