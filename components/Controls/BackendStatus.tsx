import { useApp } from '../../src/store/store';

export const ENABLE_WEBGPU_URL = 'https://developer.chrome.com/docs/web-platform/webgpu/troubleshooting-tips';

/** Which engine is running and on what, or why it fell back: said plainly, with a way out. */
export function BackendStatus() {
  const lane = useApp((s) => s.lanes.a);
  const b = lane.backend;
  let text: string;
  if (lane.phase === 'error') text = `Stopped: ${lane.message ?? 'the engine failed'}`;
  else if (!b) text = lane.message ?? 'Starting the engine…';
  else if (b.kind === 'webgpu') text = `WebGPU on ${b.description}`;
  else if (b.kind === 'sim') text = `Simulated: ${b.description} (times are predicted, not measured)`;
  else text = b.fallbackReason ? `CPU engine: ${b.fallbackReason}` : `CPU engine: ${b.description}`;
  return (
    <p className={`backend-status${b?.fallbackReason ? ' warn' : ''}`} data-testid="backend-status" role="status">
      {text}
      {b?.fallbackReason && (
        <>
          {' '}
          <a href={ENABLE_WEBGPU_URL} target="_blank" rel="noreferrer">
            How to enable WebGPU
          </a>
        </>
      )}
    </p>
  );
}
