// ?model=URL&tokenizer=URL&prompt=TEXT (repeatable): runs the parity check on this page and in a
// worker, and publishes both reports (or the first error) as window.__parity.
import { checkParity, type ParityInput, type ParityReport } from './parity-check';

type Outcome = { reports: ParityReport[] } | { error: string };
declare global {
  interface Window {
    __parity?: Outcome;
  }
}

async function bytes(url: string | null): Promise<Uint8Array> {
  if (!url) throw new Error('missing ?model= or ?tokenizer=');
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function inWorker(input: ParityInput): Promise<ParityReport> {
  const worker = new Worker(new URL('./parity.worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.report));
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(input);
  }).finally(() => worker.terminate()) as Promise<ParityReport>;
}

async function run(): Promise<Outcome> {
  try {
    const q = new URLSearchParams(location.search);
    const input: ParityInput = { model: await bytes(q.get('model')), tokenizer: await bytes(q.get('tokenizer')), prompts: q.getAll('prompt') };
    return { reports: [await checkParity(input, 'page'), await inWorker(input)] };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

void run().then((outcome) => {
  window.__parity = outcome;
  document.getElementById('result')!.textContent = JSON.stringify(outcome, null, 2);
});
