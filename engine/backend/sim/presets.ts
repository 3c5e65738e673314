import type { ModelConfig } from '../../model/config';

/**
 * Production hardware and models for the cost-model backend, from the vendors' data sheets and
 * the models' published configs. Peak FLOP/s are dense fp16/bf16 tensor-core figures (no
 * sparsity); memory is what the card has (GiB), of which vLLM's default gpu_memory_utilization
 * (0.9) is usable for weights plus KV cache.
 */
export interface GpuPreset {
  id: string;
  name: string;
  /** Dense fp16/bf16 tensor throughput, FLOP/s. */
  peakFlops: number;
  /** Memory bandwidth, bytes/s. */
  bandwidth: number;
  memoryBytes: number;
  /** Fixed cost per step (kernel launches, scheduling, sampling), ms: an assumption, not a measurement. */
  overheadMs: number;
}

const GiB = 1024 ** 3;

export const GPU_PRESETS: readonly GpuPreset[] = [
  // NVIDIA T4 data sheet: 65 TFLOPS mixed-precision fp16, 320 GB/s GDDR6, 16 GB, of which ECC
  // (on by default in data centres and Colab) keeps a share: CUDA reports 15,843,721,216 bytes.
  { id: 'T4', name: 'NVIDIA T4 16GB', peakFlops: 65e12, bandwidth: 320e9, memoryBytes: 15_843_721_216, overheadMs: 2 },
  // NVIDIA A100 data sheet: 312 TFLOPS fp16 tensor (dense), 1,555 GB/s HBM2, 40 GB: Anyscale's GPU.
  { id: 'A100-40GB', name: 'NVIDIA A100 40GB', peakFlops: 312e12, bandwidth: 1555e9, memoryBytes: 40 * GiB, overheadMs: 2 },
  // NVIDIA H100 SXM data sheet: 989 TFLOPS bf16 tensor (dense), 3.35 TB/s HBM3, 80 GB.
  { id: 'H100', name: 'NVIDIA H100 SXM 80GB', peakFlops: 989e12, bandwidth: 3350e9, memoryBytes: 80 * GiB, overheadMs: 2 },
  // Two H100 SXM with tensor parallelism: every layer's weights split over both cards, so FLOP/s,
  // bandwidth and memory add up. The all-reduces between them (NVLink) are left out: an optimistic
  // bound. Mixtral-8x7B's 93 GB of fp16 weights need two cards.
  { id: '2xH100', name: '2 x NVIDIA H100 SXM 80GB (tensor parallel)', peakFlops: 2 * 989e12, bandwidth: 2 * 3350e9, memoryBytes: 160 * GiB, overheadMs: 2 },
];

export interface SimModelPreset {
  id: string;
  name: string;
  /** Parameter count. */
  params: number;
  /** Bytes per weight and per K/V element (fp16). */
  bytesPerValue: number;
  config: ModelConfig;
}

export const SIM_MODEL_PRESETS: readonly SimModelPreset[] = [
  // facebook/opt-13b config.json: 40 layers, hidden 5120, 40 heads, ffn 20480, vocab 50272, 2048 positions.
  {
    id: 'OPT-13B',
    name: 'OPT-13B',
    params: 12.85e9,
    bytesPerValue: 2,
    config: { dim: 5120, hiddenDim: 20480, nLayers: 40, nHeads: 40, nKvHeads: 40, vocabSize: 50272, seqLen: 2048, sharedClassifier: true },
  },
  // meta-llama/Llama-2-7b-hf config.json: 32 layers, hidden 4096, 32 heads (no GQA), ffn 11008, vocab 32000, 4096 positions.
  {
    id: 'Llama-2-7B',
    name: 'Llama 2 7B',
    params: 6.74e9,
    bytesPerValue: 2,
    config: { dim: 4096, hiddenDim: 11008, nLayers: 32, nHeads: 32, nKvHeads: 32, vocabSize: 32000, seqLen: 4096, sharedClassifier: false },
  },
  // meta-llama/Llama-2-13b-hf config.json: 40 layers, hidden 5120, 40 heads, ffn 13824, vocab 32000, 4096 positions.
  {
    id: 'Llama-2-13B',
    name: 'Llama 2 13B',
    params: 13.02e9,
    bytesPerValue: 2,
    config: { dim: 5120, hiddenDim: 13824, nLayers: 40, nHeads: 40, nKvHeads: 40, vocabSize: 32000, seqLen: 4096, sharedClassifier: false },
  },
  // mistralai/Mixtral-8x7B-v0.1 config.json: 32 layers, hidden 4096, 32 heads, 8 kv heads, 8 experts of
  // intermediate 14336, 2 per token, vocab 32000, untied; 46.7 B parameters, 12.9 B of them used per token.
  {
    id: 'Mixtral-8x7B',
    name: 'Mixtral 8x7B',
    params: 46.7e9,
    bytesPerValue: 2,
    config: { dim: 4096, hiddenDim: 14336, nLayers: 32, nHeads: 32, nKvHeads: 8, vocabSize: 32000, seqLen: 32768, sharedClassifier: false, moe: { nExperts: 8, topK: 2 } },
  },
  // allenai/OLMoE-1B-7B-0924 config.json: 16 layers, hidden 2048, 16 heads, 64 experts of intermediate 1024,
  // 8 per token, vocab 50304, untied; 6.9 B parameters, 1.3 B used per token. Many small experts: a
  // batch wakes most of them only at a larger size than Mixtral's 8.
  {
    id: 'OLMoE-1B-7B',
    name: 'OLMoE 1B-7B',
    params: 6.92e9,
    bytesPerValue: 2,
    config: { dim: 2048, hiddenDim: 1024, nLayers: 16, nHeads: 16, nKvHeads: 16, vocabSize: 50304, seqLen: 4096, sharedClassifier: false, moe: { nExperts: 64, topK: 8 } },
  },
];

/** Parameters of every expert of every layer (0 for a dense model): w1, w2, w3 of dim x hidden each. */
export const expertParams = (m: SimModelPreset): number => (m.config.moe ? m.config.nLayers * m.config.moe.nExperts * 3 * m.config.dim * m.config.hiddenDim : 0);

/** Parameters one token uses: everything but the experts it was not routed to. */
export const activeParams = (m: SimModelPreset): number =>
  m.config.moe ? m.params - expertParams(m) * (1 - m.config.moe.topK / m.config.moe.nExperts) : m.params;

/** K and V for every layer: 2 x layers x kv_dim x bytes (OPT-13B: 800 KiB, the vLLM paper's figure). */
export const kvBytesPerToken = (m: SimModelPreset): number =>
  2 * m.config.nLayers * ((m.config.dim * m.config.nKvHeads) / m.config.nHeads) * m.bytesPerValue;

export const weightBytes = (m: SimModelPreset): number => m.params * m.bytesPerValue;

/** vLLM's default share of GPU memory for weights plus KV cache. */
export const GPU_MEMORY_UTILIZATION = 0.9;
