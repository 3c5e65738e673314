// Mixture of experts, step 2 of 5: the step's routing slots (token t's j-th expert is slot
// t * K + j) grouped by expert, on the GPU, so no routing ever travels to the CPU mid-step. One
// workgroup, one invocation per expert: a counting sort, stable in token order. Each expert's
// rows start at a multiple of 4 (the expert kernels' tile), the gaps padded with NONE, and each
// tile of 4 rows records its expert (NONE past the last), so moe_up and moe_down can be
// dispatched for the most tiles a step can need, ceil((T K + 3 E) / 4), with no count read back.
// The per-expert counts also go to `load`, read back once per step for the expert view.

struct Step { tokens: u32, rows: u32 }

override E: u32;
override K: u32;
const NONE: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> experts: array<u32>; // (T, K)
@group(0) @binding(2) var<storage, read_write> slots: array<u32>; // grouped rows: slot id, or NONE
@group(0) @binding(3) var<storage, read_write> row_of: array<u32>; // (T, K) row of each slot
@group(0) @binding(4) var<storage, read_write> tile_expert: array<u32>; // per tile of 4 rows
@group(0) @binding(5) var<storage, read_write> load: array<u32>; // (E) this layer's slots per expert

var<workgroup> counts: array<u32, 64>;
var<workgroup> start: array<u32, 65>;

@compute @workgroup_size(E)
fn main(@builtin(local_invocation_index) e: u32) {
  let n = step.tokens * K;
  var count = 0u;
  for (var i = 0u; i < n; i++) {
    count += select(0u, 1u, experts[i] == e);
  }
  counts[e] = count;
  load[e] = count;
  workgroupBarrier();
  if (e == 0u) {
    start[0] = 0u;
    for (var i = 0u; i < E; i++) {
      start[i + 1u] = start[i] + (counts[i] + 3u) / 4u * 4u;
    }
  }
  workgroupBarrier();
  var r = start[e];
  for (var i = 0u; i < n; i++) {
    if (experts[i] == e) {
      slots[r] = i;
      row_of[i] = r;
      r++;
    }
  }
  for (; r < start[e + 1u]; r++) {
    slots[r] = NONE;
  }
  for (var tile = start[e] / 4u; tile < start[e + 1u] / 4u; tile++) {
    tile_expert[tile] = e;
  }
  let tiles = (n + 3u * E + 3u) / 4u;
  for (var tile = start[E] / 4u + e; tile < tiles; tile += E) {
    tile_expert[tile] = NONE;
  }
}
