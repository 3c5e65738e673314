// Token embedding gather: x[t] = embedding[token of t], for every token of the ragged step.

struct Step { tokens: u32, rows: u32 }
struct TokenInfo { token: u32, pos: u32, slot: u32, table: u32 }

override DIM: u32;
override WG: u32 = 64;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> tokens: array<TokenInfo>; // (T)
@group(0) @binding(2) var<storage, read> embedding: array<f32>; // (vocab, dim)
@group(0) @binding(3) var<storage, read_write> x: array<f32>; // (T, dim)

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let t = gid.y;
  if (j >= DIM || t >= step.tokens) {
    return;
  }
  x[t * DIM + j] = embedding[tokens[t].token * DIM + j];
}
