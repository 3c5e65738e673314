/** Test helpers for the memory-traffic view: iteration events of decode steps with their bytes, as the engine records them. */
import { stepTraffic } from '../../engine/backend/traffic';
import type { ModelConfig } from '../../engine/model/config';
import type { IterationEvent } from '../../engine/serve/events';

export const TINY: ModelConfig = { dim: 128, hiddenDim: 320, nLayers: 4, nHeads: 8, nKvHeads: 4, vocabSize: 1024, seqLen: 512, sharedClassifier: true };

/** One decode step, a token per sequence at each of `decodes` positions. */
export function trafficEvent(index: number, formats: IterationEvent['formats'], decodes: number[]): IterationEvent {
  const slots = decodes.map((pos, slot) => ({ slot, requestId: slot, kind: 'decode' as const, tokenCount: 1, startPos: pos, outputToken: 7, finished: false }));
  const t = stepTraffic(TINY, formats!, slots.map((s) => ({ tokens: 1, startPos: s.startPos, logitRows: 1 })));
  return { index, startMs: index, endMs: index + 2, timeSource: 'measured', slots, kv: {} as IterationEvent['kv'], queueLength: 0, prefillTokens: 0, decodeTokens: slots.length, preempted: [], strategy: 'continuous', knobs: {} as IterationEvent['knobs'], schedulerMs: 0, backendMs: 2, traffic: { weights: t.weights, kvRead: t.kvRead, kvWrite: t.kvWrite, activations: t.activations, scores: t.scores }, formats };
}

