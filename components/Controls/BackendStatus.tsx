import type { BackendInfo } from '../../src/run/types';
import { useApp } from '../../src/store/store';
import { shortenAtWord } from '../shared/names';

export const ENABLE_WEBGPU_URL = 'https://developer.chrome.com/docs/web-platform/webgpu/troubleshooting-tips';

/**
 * Which engine is running and on what, or why it fell back: said plainly, with a way out. The
 * chip form sits in the top bar (always visible, truncated, full text on hover); the full form
 * sits with the backend controls.
 */
export function BackendStatus({ chip = false }: { chip?: boolean }) {
  const lane = useApp((s) => s.lanes.a);
  const b = lane.backend;
  let text: string;
  if (lane.phase === 'error') text = lane.message ?? 'The engine stopped.';
  else if (!b) text = lane.message ?? 'Starting the engine…';
  else if (b.kind === 'webgpu') text = `WebGPU on ${b.description}`;
  else if (b.kind === 'sim') text = `Simulated: ${b.description} (times are predicted, not measured)`;
  else text = b.fallbackReason ? `${cpuName(b)}: ${b.fallbackReason}` : `CPU engine: ${b.description}`;
  const warn = b?.fallbackReason || lane.phase === 'error';
  const link = b?.fallbackReason && (
    <a href={ENABLE_WEBGPU_URL} target="_blank" rel="noreferrer" title="How to enable WebGPU">
      {chip ? 'enable WebGPU?' : 'How to enable WebGPU'}
    </a>
  );
  if (chip) {
    // The top bar has room for the headline of a fallback only; the whole reason, and the CPU
    // engine's kernels, are on hover and beside the backend controls.
    const shown = b?.fallbackReason ? `CPU engine: ${headline(b.fallbackReason)}` : b?.kind === 'sim' && lane.phase !== 'error' ? 'Simulated: cost model' : shortenAtWord(text, 36);
    return (
      <span className={`status-chip${warn ? ' warn' : ''}`} data-testid="backend-status" role="status" title={text}>
        <span className="status-text">{shown}</span>
        {link}
      </span>
    );
  }
  return (
    <p className={`backend-status${warn ? ' warn' : ''}`}>
      {text} {link}
    </p>
  );
}

/** The CPU engine with the kernels it runs, which a fallback's message would otherwise hide. */
const cpuName = (b: BackendInfo): string => (b.cpuKernels === 'wasm' ? 'CPU engine (WebAssembly SIMD)' : b.cpuKernels === 'js' ? 'CPU engine (JavaScript)' : 'CPU engine');

/** "WebGPU could not start here: no adapter (...). The model runs..." -> "WebGPU could not start here". */
export const headline = (reason: string): string => reason.split(/[:(.]/)[0].trim();
