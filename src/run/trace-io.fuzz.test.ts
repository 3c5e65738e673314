/**
 * Fuzz: mutated traces (real ones, exported from an app run and from the CLI's exporter) either
 * import and replay into a run log, the way the page shows them, or are refused with a
 * BatchscopeError within the time bound; random bytes are refused as "not text".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBatchscopeError } from '../../engine/errors';
import { ServingEngine } from '../../engine/serve/engine';
import { HASH_VOCAB, HashBackend } from '../../engine/serve/testing/hash-backend';
import { drain, testRequest } from '../../engine/serve/testing/requests';
import { exportChromeTrace } from '../../engine/serve/trace';
import { FUZZ, mutatedJson, parsesOrRefuses, preview } from '../../tools/testing/fuzz';
import { summarize } from './metrics';
import { RunLog } from './run-log';
import { exportTrace, importTrace, importTraceFile } from './trace-io';

async function realTraces(): Promise<string[]> {
  // A small pool forces a preemption, so events carry every kind of slot record.
  const requests = [0, 1, 2, 3].map((id) => testRequest(id, 3, 10, { stopAfter: 3 + 2 * id, arrivalMs: id === 3 ? 2 : 0 }));
  const run = async (strategy: 'static' | 'continuous') => {
    const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 5, blockSize: 4 }), requests, strategy, knobs: { maxNumSeqs: 3 } });
    return { events: await drain(engine), records: engine.records() };
  };
  const [a, b] = [await run('continuous'), await run('static')];
  const cli = exportChromeTrace([
    { label: 'continuous', strategy: 'continuous', backend: 'cpu', kvManager: 'paged', events: a.events, requests: a.records, modelName: 'm', prompts: requests.map((r) => ({ id: r.id, prompt: r.prompt })), vocab: { 3: ' w3', 4: ' w4' } },
    { label: 'static', strategy: 'static', backend: 'sim', kvManager: 'contiguous', events: b.events, requests: b.records },
  ]);
  const log = new RunLog();
  log.setVocab(Array.from({ length: HASH_VOCAB }, (_, id) => ` w${id}`));
  log.addRequests(requests.map((r) => ({ id: r.id, arrivalMs: r.arrivalMs, prompt: r.prompt, promptText: `p${r.id}`, maxNewTokens: r.maxNewTokens })));
  log.append(a.events);
  return [cli, exportTrace([{ name: 'lane', log, backend: 'webgpu', modelName: 'tiny' }])];
}

/** What the page does with a chosen file: import, then fill a lane's log and read its numbers. */
function replay(text: string): void {
  for (const run of importTrace(text, 'fuzz.json')) {
    const log = new RunLog();
    log.setVocab(run.vocab);
    log.addRequests(run.requests);
    log.append(run.events);
    summarize(log);
    for (const r of log.records()) log.text(r.output);
  }
}

describe('fuzz: trace JSON', async () => {
  const real = await realTraces();

  it('imports or refuses every mutation of a real trace', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...real).chain((t) => mutatedJson(t)),
        (text) => parsesOrRefuses(() => replay(text), () => preview(text)),
      ),
      FUZZ(1000),
    );
  });

  it('refuses random bytes as "not text", in plain words, without echoing them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), async (bytes) => {
        const file = Object.assign(new Blob([bytes]), { name: 'random.bin' });
        const e = await importTraceFile(file).then(
          () => null,
          (x: unknown) => x,
        );
        // Random bytes can happen to be a JSON number or string; anything else is refused.
        if (e === null) return;
        expect(isBatchscopeError(e), String(e)).toBe(true);
        expect((e as Error).message).toMatch(/^random\.bin: (is not text|is empty|is gzip|ends early|is not valid JSON|is not a batchscope trace)[\x20-\x7e]*$/);
      }),
      FUZZ(300),
    );
  });
});
