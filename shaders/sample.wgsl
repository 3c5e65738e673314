// Picks the next token of each sampling sequence on the GPU, so a step reads back token ids only.
// One workgroup per job, with the semantics of engine/model/sampler.ts:
// - temperature 0: argmax, the first index of the maximum;
// - temperature > 0: softmax of logits / temperature and the uniform number for (seed, pos) from
//   engine/model/rng.ts, then either a draw in id order (the first id whose running sum exceeds
//   the coin) or, with 0 < top_p < 1, a draw from the nucleus (llama2.c's sample_topp).
//
// The nucleus needs no sort: in the sampler's order (probability descending, id ascending) a
// candidate's running sum before it, `before`, is the mass of the candidates ranked above it. It
// is in the nucleus when before <= top_p, and it is drawn when before <= coin * mass < before + p.

struct Job { row: u32, seed: u32, pos: u32, temperature: f32, top_p: f32 }

override VOCAB: u32;
override WG: u32 = 64;
override CHUNK: u32 = (VOCAB + WG - 1u) / WG; // ids per invocation, contiguous so sums run in id order

@group(0) @binding(0) var<storage, read> jobs: array<Job>; // (S)
@group(0) @binding(1) var<storage, read> logits: array<f32>; // (R, vocab)
@group(0) @binding(2) var<storage, read_write> scratch: array<vec4f>; // (S, vocab) candidates (p, id, before, -)
@group(0) @binding(3) var<storage, read_write> sampled: array<u32>; // (S)

var<workgroup> red_key: array<f32, WG>;
var<workgroup> red_id: array<u32, WG>;
var<workgroup> prefix: array<f32, WG>;

fn pcg_hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn uniform_at(seed: u32, pos: u32) -> f32 {
  return f32(pcg_hash(pcg_hash(seed) ^ pos) >> 8u) / 16777216.0;
}

struct Pair { key: f32, id: u32 }

// The (key, id) with the smallest key over the workgroup, ties to the smaller id.
fn min_pair(lid: u32, key: f32, id: u32) -> Pair {
  red_key[lid] = key;
  red_id[lid] = id;
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) {
      let k = red_key[lid + s];
      let i = red_id[lid + s];
      if (k < red_key[lid] || (k == red_key[lid] && i < red_id[lid])) {
        red_key[lid] = k;
        red_id[lid] = i;
      }
    }
  }
  workgroupBarrier();
  return Pair(workgroupUniformLoad(&red_key[0]), workgroupUniformLoad(&red_id[0]));
}

// Exclusive prefix sums of one value per invocation, in invocation order, and their total.
fn scan(lid: u32, v: f32) -> vec2f {
  prefix[lid] = v;
  workgroupBarrier();
  if (lid == 0u) {
    var run = 0.0;
    for (var i = 0u; i < WG; i++) {
      let x = prefix[i];
      prefix[i] = run;
      run += x;
    }
    red_key[0] = run;
  }
  workgroupBarrier();
  return vec2f(prefix[lid], workgroupUniformLoad(&red_key[0]));
}

const NONE: f32 = 3.0e38;

fn prob(row: u32, i: u32, temperature: f32, top: f32, z: f32) -> f32 {
  return exp(logits[row + i] / temperature - top) / z;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let job = jobs[wid.x];
  let row = job.row * VOCAB;
  var best = NONE;
  var best_id = 0u;
  for (var i = lid; i < VOCAB; i += WG) {
    if (-logits[row + i] < best) {
      best = -logits[row + i];
      best_id = i;
    }
  }
  let top_id = min_pair(lid, best, best_id).id;
  var token = top_id;
  if (job.temperature > 0.0) {
    // Softmax of logits / temperature; the maximum of the scaled row is the scaled maximum.
    let t = job.temperature;
    let top = logits[row + top_id] / t;
    let first = min(lid * CHUNK, VOCAB);
    let last = min(first + CHUNK, VOCAB);
    var z = 0.0;
    for (var i = first; i < last; i++) {
      z += exp(logits[row + i] / t - top);
    }
    z = scan(lid, z).y;
    let coin = uniform_at(job.seed, job.pos);
    if (job.top_p <= 0.0 || job.top_p >= 1.0) {
      token = draw_in_id_order(lid, row, first, last, t, top, z, coin);
    } else {
      token = draw_from_nucleus(lid, row, first, last, t, top, z, coin, job.top_p, wid.x * VOCAB);
    }
  }
  if (lid == 0u) {
    sampled[wid.x] = token;
  }
}

fn draw_in_id_order(lid: u32, row: u32, first: u32, last: u32, t: f32, top: f32, z: f32, coin: f32) -> u32 {
  var mass = 0.0;
  for (var i = first; i < last; i++) {
    mass += prob(row, i, t, top, z);
  }
  var run = scan(lid, mass).x;
  var hit = NONE;
  var hit_id = 0u;
  for (var i = first; i < last && hit == NONE; i++) {
    run += prob(row, i, t, top, z);
    if (coin < run) {
      hit = f32(i);
      hit_id = i;
    }
  }
  let found = min_pair(lid, hit, hit_id);
  // Rounding can leave the total just under the coin; the reference then takes the last id.
  return select(found.id, VOCAB - 1u, found.key == NONE);
}

fn draw_from_nucleus(lid: u32, row: u32, first: u32, last: u32, t: f32, top: f32, z: f32, coin: f32, top_p: f32, base: u32) -> u32 {
  // Candidates (llama2.c's cutoff) are written in id order, so every sum below runs in one order.
  let cutoff = (1.0 - top_p) / f32(VOCAB - 1u);
  var count = 0.0;
  for (var i = first; i < last; i++) {
    count += select(0.0, 1.0, prob(row, i, t, top, z) >= cutoff);
  }
  let at = scan(lid, count);
  var k = base + u32(at.x);
  for (var i = first; i < last; i++) {
    let p = prob(row, i, t, top, z);
    if (p >= cutoff) {
      scratch[k] = vec4f(p, f32(i), 0.0, 0.0);
      k++;
    }
  }
  storageBarrier();
  let n = u32(at.y);
  var widest = NONE; // minus the largest running sum that closes the nucleus
  for (var c = lid; c < n; c += WG) {
    let me = scratch[base + c];
    var before = 0.0;
    for (var j = 0u; j < n; j++) {
      let o = scratch[base + j];
      if (o.x > me.x || (o.x == me.x && o.y < me.y)) {
        before += o.x;
      }
    }
    scratch[base + c] = vec4f(me.x, me.y, before, 0.0);
    if (before <= top_p) {
      widest = min(widest, -(before + me.x));
    }
  }
  // Drawn: the nucleus candidate whose interval [before, before + p) holds r. Should rounding
  // leave r past them all, the nucleus' last one, as the reference does: keys above 1 rank it after any hit.
  let r = coin * -min_pair(lid, widest, 0u).key;
  var key = NONE;
  var id = 0u;
  for (var c = lid; c < n; c += WG) {
    let me = scratch[base + c];
    let k = select(2.0 - me.z, me.z, me.z <= r && r < me.z + me.x);
    if (me.z <= top_p && k < key) {
      key = k;
      id = u32(me.y);
    }
  }
  return min_pair(lid, key, id).id;
}
