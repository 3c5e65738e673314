// Mixture of experts, step 5 of 5: x[t] += sum over j < K of weights[t, j] * ye[row_of[t, j]],
// each token's K expert outputs in rank order (best first), then the residual add. One
// invocation per token and vec4 of outputs; DIM is a multiple of 4.

struct Step { tokens: u32, rows: u32 }

override DIM: u32;
override K: u32;
override WG: u32 = 64;
override DIM4: u32 = DIM / 4u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> ye: array<vec4f>; // (rows, dim4) expert outputs
@group(0) @binding(2) var<storage, read> row_of: array<u32>; // (T, K)
@group(0) @binding(3) var<storage, read> weights: array<f32>; // (T, K)
@group(0) @binding(4) var<storage, read_write> x: array<vec4f>; // (T, dim4) residual stream

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o4 = gid.x;
  let t = gid.y;
  if (o4 >= DIM4 || t >= step.tokens) {
    return;
  }
  var acc = vec4f();
  for (var j = 0u; j < K; j++) {
    let i = t * K + j;
    acc += weights[i] * ye[row_of[i] * DIM4 + o4];
  }
  x[t * DIM4 + o4] += acc;
}
