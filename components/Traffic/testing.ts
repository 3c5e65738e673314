/** Test helpers for the memory-traffic view: iteration events of decode steps with their bytes, as the engine records them. */
import { stepTraffic } from '../../engine/backend/traffic';
import type { ModelConfig } from '../../engine/model/config';
import type { IterationEvent } from '../../engine/serve/events';
import type { RecordedRun } from '../../src/run/types';

export const TINY: ModelConfig = { dim: 128, hiddenDim: 320, nLayers: 4, nHeads: 8, nKvHeads: 4, vocabSize: 1024, seqLen: 512, sharedClassifier: true };

/** One decode step, a token per sequence at each of `decodes` positions. */
export function trafficEvent(index: number, formats: IterationEvent['formats'], decodes: number[]): IterationEvent {
  const slots = decodes.map((pos, slot) => ({ slot, requestId: slot, kind: 'decode' as const, tokenCount: 1, startPos: pos, outputToken: 7, finished: false }));
  const t = stepTraffic(TINY, formats!, slots.map((s) => ({ tokens: 1, startPos: s.startPos, logitRows: 1 })));
  return { index, startMs: index, endMs: index + 2, timeSource: 'measured', slots, kv: {} as IterationEvent['kv'], queueLength: 0, prefillTokens: 0, decodeTokens: slots.length, preempted: [], strategy: 'continuous', knobs: {} as IterationEvent['knobs'], schedulerMs: 0, backendMs: 2, traffic: { weights: t.weights, kvRead: t.kvRead, kvWrite: t.kvWrite, activations: t.activations, scores: t.scores }, formats };
}


/** A whole recorded run of `steps` iterations (a 96-token prefill, then decodes of 4 sequences), for stories. */
export function trafficRun(formats: NonNullable<IterationEvent['formats']>, label: string, steps = 24): RecordedRun {
  const events = Array.from({ length: steps }, (_, i) => {
    const e = trafficEvent(i, formats, i === 0 ? [] : [96 + i, 40 + i, 60 + i, 10 + i]);
    if (i === 0) {
      const slot = { slot: 0, requestId: 0, kind: 'prefill' as const, tokenCount: 96, startPos: 0, outputToken: 7, finished: false };
      const t = stepTraffic(TINY, formats, [{ tokens: 96, startPos: 0, logitRows: 1 }]);
      Object.assign(e, { slots: [slot], prefillTokens: 96, decodeTokens: 0, backendMs: 9, traffic: { weights: t.weights, kvRead: t.kvRead, kvWrite: t.kvWrite, activations: t.activations, scores: t.scores } });
    }
    return e;
  });
  return { version: 1, label, backend: { kind: 'webgpu', description: 'example adapter', config: TINY, formats }, modelName: 'batchscope-tiny', vocab: {}, requests: [], events };
}
