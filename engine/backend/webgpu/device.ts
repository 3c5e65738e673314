import { BatchscopeError } from '../../errors';

/** What the engine needs from the device beyond WebGPU's default limits. */
export interface DeviceNeeds {
  /** Largest single storage binding, in bytes (a layer's KV pool, the classifier, ...). */
  maxBindingBytes: number;
  /** Largest single buffer, in bytes. */
  maxBufferBytes: number;
  /** Workgroup memory of the largest kernel, in bytes. */
  workgroupBytes: number;
  storageBuffersPerStage: number;
  /** What needs the memory, for the message when it does not fit. */
  what: string;
}

export interface OpenedDevice {
  device: GPUDevice;
  /** The adapter in words, e.g. "nvidia ampere (NVIDIA GeForce RTX 3060)". */
  adapter: string;
  timestamps: boolean;
  /** A CPU emulation (SwiftShader, lavapipe, WARP) rather than a GPU. */
  emulated: boolean;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function describeAdapter(info: GPUAdapterInfo): string {
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = info.description || info.device;
  return detail ? `${name} (${detail})` : name;
}

/**
 * Opens a device on `gpu` (navigator.gpu in a page or a worker, Dawn's in Node), asking for the
 * limits `needs` states and for timestamp queries when the adapter has them. Every way this can
 * fail becomes a BatchscopeError a learner can read.
 */
export async function openDevice(gpu: GPU | undefined, needs: DeviceNeeds): Promise<OpenedDevice> {
  if (!gpu) {
    throw new BatchscopeError('no-webgpu', 'this environment has no WebGPU (navigator.gpu is missing); use a recent Chrome or Edge, or a browser with WebGPU enabled');
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new BatchscopeError('no-adapter', 'WebGPU is present but offered no GPU adapter (the GPU may be blocklisted or its driver unsupported)');
  }
  const adapterName = describeAdapter(adapter.info);
  const l = adapter.limits;
  const tooLarge = (what: string, need: number, limit: number): never => {
    throw new BatchscopeError('model-too-large', `${needs.what} needs ${what} of ${mib(need)}, more than this GPU allows (${mib(limit)}; adapter: ${adapterName})`);
  };
  if (needs.maxBindingBytes > l.maxStorageBufferBindingSize) tooLarge('a storage buffer binding', needs.maxBindingBytes, l.maxStorageBufferBindingSize);
  if (needs.maxBufferBytes > l.maxBufferSize) tooLarge('a buffer', needs.maxBufferBytes, l.maxBufferSize);
  if (needs.workgroupBytes > l.maxComputeWorkgroupStorageSize) tooLarge('workgroup memory', needs.workgroupBytes, l.maxComputeWorkgroupStorageSize);
  if (needs.storageBuffersPerStage > l.maxStorageBuffersPerShaderStage) {
    throw new BatchscopeError('no-adapter', `this GPU allows ${l.maxStorageBuffersPerShaderStage} storage buffers per shader, the engine needs ${needs.storageBuffersPerStage} (adapter: ${adapterName})`);
  }
  const timestamps = adapter.features.has('timestamp-query');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      label: 'batchscope',
      requiredFeatures: timestamps ? ['timestamp-query'] : [],
      // Ask only for what exceeds the defaults, so the request fits any adapter that passed above.
      requiredLimits: {
        maxStorageBufferBindingSize: Math.max(needs.maxBindingBytes, 128 * 2 ** 20),
        maxBufferSize: Math.max(needs.maxBufferBytes, 256 * 2 ** 20),
        maxComputeWorkgroupStorageSize: Math.max(needs.workgroupBytes, 16384),
      },
    });
  } catch (e) {
    throw new BatchscopeError('no-adapter', `the GPU adapter (${adapterName}) refused to open a device: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const emulated = /swiftshader|llvmpipe|lavapipe|warp|microsoft basic/i.test(`${adapter.info.architecture} ${adapter.info.description} ${adapter.info.device}`);
  return { device, adapter: adapterName, timestamps, emulated };
}
