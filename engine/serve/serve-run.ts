import type { ServingEngine } from './engine';
import type { IterationEvent } from './events';
import { MetricsAccumulator, type GoodputSlo, type RunSummary } from './metrics';
import type { RequestRecord } from './request';
import { DEFAULT_FORMATS, kvBytesPerToken } from '../model/quant/formats';

export interface ServeResult {
  summary: RunSummary;
  records: RequestRecord[];
  /** Every iteration's event, when asked for (a long simulated run may not want to keep them). */
  events: IterationEvent[];
}

/**
 * Steps an engine until every request has finished, folding each event into the metrics; what
 * the CLI and the benchmarks run. `onEvent` sees every event as it is produced.
 */
export async function serveToEnd(
  engine: ServingEngine,
  opts: { keepEvents?: boolean; slo?: GoodputSlo; onEvent?: (e: IterationEvent) => void } = {},
): Promise<ServeResult> {
  const acc = new MetricsAccumulator();
  const events: IterationEvent[] = [];
  for (let e = await engine.step(); e; e = await engine.step()) {
    acc.add(e);
    if (opts.keepEvents) events.push(e);
    opts.onEvent?.(e);
  }
  const records = engine.records();
  const summary = acc.summary(records, { strategy: engine.strategy, backend: engine.backend.kind, kvManager: engine.kvManager }, opts.slo);
  // The pool and formats the run ended on (a backend switch mid-run would show the last one).
  const b = engine.backend;
  const formats = b.formats ?? DEFAULT_FORMATS;
  Object.assign(summary.kv, { dtype: formats.kv, capacityTokens: b.kv.numBlocks * b.kv.blockSize, bytesPerToken: kvBytesPerToken(b.config, formats.kv) });
  Object.assign(summary, { weights: formats.weights, attention: formats.attention });
  return { summary, records, events };
}
