// The parity check inside a module worker, where the app runs its engine.
import { checkParity, type ParityInput } from './parity-check';

self.onmessage = async (e: MessageEvent<ParityInput>) => {
  try {
    self.postMessage({ report: await checkParity(e.data, 'worker') });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};
