// Mixture of experts, step 1 of 5: token-choice routing. One invocation per token: RMSNorm of the
// residual (the gain is folded into the router's columns, so only 1/rms scales the dot products),
// E router logits, the top K experts (best first, ties to the lower id) and their weights, a
// softmax over just the K chosen logits (= the full softmax's top K renormalised to sum to 1).
// E is at most 64 and K at most 8 (checked when the backend is created).

struct Step { tokens: u32, rows: u32 }

override DIM: u32;
override E: u32;
override K: u32;
override WG: u32 = 64;
override E4: u32 = (E + 3u) / 4u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> x: array<f32>; // (T, dim) residual stream
@group(0) @binding(2) var<storage, read> w: array<vec4f>; // (dim, E4) gain-folded router^T
@group(0) @binding(3) var<storage, read_write> experts: array<u32>; // (T, K) chosen experts, best first
@group(0) @binding(4) var<storage, read_write> weights: array<f32>; // (T, K) their weights

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= step.tokens) {
    return;
  }
  let row = t * DIM;
  var ss = 0.0;
  for (var k = 0u; k < DIM; k++) {
    ss += x[row + k] * x[row + k];
  }
  let inv = inverseSqrt(ss / f32(DIM) + 1e-5);
  var logit: array<f32, 64>;
  for (var e4 = 0u; e4 < E4; e4++) {
    var acc = vec4f();
    for (var k = 0u; k < DIM; k++) {
      acc += w[k * E4 + e4] * x[row + k];
    }
    for (var c = 0u; c < 4u && e4 * 4u + c < E; c++) {
      logit[e4 * 4u + c] = acc[c] * inv;
    }
  }
  var chosen: array<u32, 8>;
  for (var j = 0u; j < K; j++) {
    var best = E;
    for (var e = 0u; e < E; e++) {
      var taken = false;
      for (var i = 0u; i < j; i++) {
        taken = taken || chosen[i] == e;
      }
      if (!taken && (best == E || logit[e] > logit[best])) {
        best = e;
      }
    }
    chosen[j] = best;
  }
  let top = logit[chosen[0]];
  var sum = 0.0;
  for (var j = 0u; j < K; j++) {
    sum += exp(logit[chosen[j]] - top);
  }
  for (var j = 0u; j < K; j++) {
    experts[t * K + j] = chosen[j];
    weights[t * K + j] = exp(logit[chosen[j]] - top) / sum;
  }
}
