// Token embedding gather: x[t] = embedding[token of t], for every token of the ragged step.

struct Step { tokens: u32, rows: u32 }
struct TokenInfo { token: u32, pos: u32, slot: u32, table: u32 }

override DIM: u32;
override WG: u32 = 64;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> tokens: array<TokenInfo>; // (T)
// #if weights == int8
// (vocab, dim / 4) words of four int8 values, then from word SCALES per token ceil(groups / 2)
// words of fp16 scales, one per 32 values (Q8_0 rows): the row is dequantized as it is gathered.
@group(0) @binding(2) var<storage, read> embedding: array<u32>;
override SCALES: u32;
override SCALE_WORDS: u32;
// #else
@group(0) @binding(2) var<storage, read> embedding: array<f32>; // (vocab, dim)
// #endif
@group(0) @binding(3) var<storage, read_write> x: array<f32>; // (T, dim)

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let t = gid.y;
  if (j >= DIM || t >= step.tokens) {
    return;
  }
  let token = tokens[t].token;
  // #if weights == int8
  let word = embedding[(token * DIM + j) / 4u];
  let q = bitcast<i32>(word << (24u - 8u * (j % 4u))) >> 24u;
  let g = j / 32u;
  let s = unpack2x16float(embedding[SCALES + token * SCALE_WORDS + g / 2u]);
  x[t * DIM + j] = f32(q) * select(s.x, s.y, (g & 1u) == 1u);
  // #else
  x[t * DIM + j] = embedding[token * DIM + j];
  // #endif
}
