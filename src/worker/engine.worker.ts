/// <reference lib="webworker" />
import { EngineHost } from './host';
import type { ToWorker } from './protocol';

/** The worker entry: the engine runs here, off the page's main thread, and talks by messages. */
const host = new EngineHost((m) => {
  // Events carry typed arrays (KV owner/filled); they are copied, since the engine keeps no reference.
  self.postMessage(m);
});
self.onmessage = (e: MessageEvent<ToWorker>) => void host.handle(e.data);
