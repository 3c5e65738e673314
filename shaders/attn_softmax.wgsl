// Unfused attention, step 2 of 3: each (token, head) row of the score matrix over its positions
// 0..pos, softmaxed in place (max, exp, sum, divide): the row is read twice and written twice.

struct Step { tokens: u32, rows: u32 }
struct TokenInfo { token: u32, pos: u32, slot: u32, table: u32 }

override N_HEADS: u32;
override SEQ_LEN: u32;
override WG: u32 = 64;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> tokens: array<TokenInfo>; // (T)
@group(0) @binding(2) var<storage, read_write> scores: array<f32>; // (T, n_heads, seq_len)

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row = gid.x;
  let t = row / N_HEADS;
  if (t >= step.tokens) {
    return;
  }
  let n = tokens[t].pos + 1u;
  let base = row * SEQ_LEN;
  var m = -3.0e38;
  for (var s = 0u; s < n; s++) {
    m = max(m, scores[base + s]);
  }
  var sum = 0.0;
  for (var s = 0u; s < n; s++) {
    let e = exp(scores[base + s] - m);
    scores[base + s] = e;
    sum += e;
  }
  let inv = 1.0 / sum;
  for (var s = 0u; s < n; s++) {
    scores[base + s] *= inv;
  }
}
