/**
 * Node-only: WebGPU through Dawn (the `webgpu` npm package). Never imported by the app or the
 * worker, which use `navigator.gpu`.
 *
 * On a Linux machine without a GPU, Dawn needs a Vulkan loader and a Vulkan driver. Debian's
 * chromium package ships both privately in /usr/lib/chromium (the loader libvulkan.so.1 and
 * SwiftShader's CPU driver), so when the system has no loader or no driver we borrow chromium's.
 */
import { existsSync, readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { create, globals } from 'webgpu';
import { BatchscopeError } from '../../errors';

const CHROMIUM_DIR = '/usr/lib/chromium';
const CHROMIUM_VULKAN_LOADER = `${CHROMIUM_DIR}/libvulkan.so.1`;
export const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;
const ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
// Not in os.constants.dlopen, but process.dlopen passes flags straight to dlopen(3).
const RTLD_NODELETE = 0x1000;

/**
 * Loads a shared library into the process for good. process.dlopen is meant for Node addons: on
 * a plain library it fails with "did not self-register" after dlopen succeeded, and RTLD_NODELETE
 * keeps the library mapped, so Dawn's own dlopen("libvulkan.so.1") later finds it by its soname.
 */
function pinLibrary(path: string): boolean {
  try {
    process.dlopen({ exports: {} }, path, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_LOCAL | RTLD_NODELETE);
    return true;
  } catch (e) {
    return /did not self-register/.test(e instanceof Error ? e.message : String(e));
  }
}

function hasSystemIcd(): boolean {
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return true;
  return ICD_DIRS.some((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')));
}

const useSwiftShader = (): boolean => {
  if (!existsSync(SWIFTSHADER_ICD)) return false;
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return true;
};

// Dawn destroys its instance when the GPU object is garbage collected, even with devices still
// running on it (crashes inside SwiftShader's threads), so the one instance lives as long as the process.
let instance: Promise<GPU> | null = null;

/**
 * Returns a GPU (Dawn's navigator.gpu) that has an adapter: the machine's own when it has one,
 * else SwiftShader from Debian's chromium. Throws a BatchscopeError saying what to install when
 * there is neither.
 */
export function nodeGpu(): Promise<GPU> {
  instance ??= findGpu().catch((e) => {
    instance = null;
    throw e;
  });
  return instance;
}

async function findGpu(): Promise<GPU> {
  // The GPU* constants (GPUBufferUsage, GPUMapMode, ...) the engine uses as in a browser.
  Object.assign(globalThis, globals);
  if (process.platform === 'linux') {
    if (!pinLibrary('libvulkan.so.1') && existsSync(CHROMIUM_VULKAN_LOADER)) pinLibrary(CHROMIUM_VULKAN_LOADER);
    if (!hasSystemIcd()) useSwiftShader();
  }
  let gpu = create([]);
  if (await gpu.requestAdapter()) return gpu;
  // A system driver Dawn cannot use (e.g. an old lavapipe): try SwiftShader before giving up.
  if (process.platform === 'linux' && process.env.VK_ICD_FILENAMES !== SWIFTSHADER_ICD && useSwiftShader()) {
    gpu = create([]);
    if (await gpu.requestAdapter()) return gpu;
  }
  throw new BatchscopeError(
    'no-adapter',
    process.platform === 'linux'
      ? `WebGPU (Dawn) found no GPU adapter. Without a GPU, install Debian's chromium package, whose SwiftShader driver ` +
          `(${SWIFTSHADER_ICD}) runs WebGPU on the CPU: apt-get install chromium`
      : 'WebGPU (Dawn) found no GPU adapter on this machine',
  );
}
