// Snippet (not a kernel): how a matmul kernel reads its weight `w`, by weight format. The kernel
// loops over groups of GROUP inputs, takes one scale per group and output vec4 (w_scale), and
// multiplies each input's weights (w_at) by it before they meet x; its RMSNorm gain, if any, is
// w_gain(k) times x. float32: the gain is folded into the weights at packing, there is one group
// (the whole input), and scale and gain are exactly 1, so the arithmetic is the plain matmul's. int8 (Q8_0): w[k * cols + o4] holds the int8
// weights of outputs 4 o4 .. 4 o4 + 3 at input k, widened by shifts (exact, core WGSL); from word
// SCALES, two words of four fp16 scales per (group, o4) (unpack2x16float, core WGSL); from word
// GAIN, the unfolded gain as float32 bits. Weights are dequantized in the kernel, one rounding
// (q * scale) as on the CPU: no float32 copy of them exists.

// #if weights == int8
override GROUP: u32 = 32u;
override SCALES: u32;
override GAIN: u32 = 0u;

fn w_at(i: u32) -> vec4f {
  let b = w[i];
  return vec4f(bitcast<vec4i>(vec4u(b << 24u, b << 16u, b << 8u, b)) >> vec4u(24u));
}

fn w_scale(pair: u32) -> vec4f {
  let s = SCALES + 2u * pair;
  return vec4f(unpack2x16float(w[s]), unpack2x16float(w[s + 1u]));
}

fn w_gain(k: u32) -> f32 {
  return bitcast<f32>(w[GAIN + k]);
}
// #else
override GROUP: u32 = 4294967295u; // one group, the whole input: loops over groups run once

fn w_at(i: u32) -> vec4f {
  return w[i];
}

fn w_scale(pair: u32) -> vec4f {
  return vec4f(1.0);
}

fn w_gain(k: u32) -> f32 {
  return 1.0;
}
// #endif
