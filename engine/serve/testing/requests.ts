import type { Request } from '../request';
import type { IterationEvent } from '../events';
import type { ServingEngine } from '../engine';

/** A request with a deterministic prompt of `promptLen` tokens (BOS first) for engine tests. */
export function testRequest(id: number, promptLen: number, maxNewTokens: number, extra: Partial<Request> = {}): Request {
  const prompt = [1, ...Array.from({ length: promptLen - 1 }, (_, i) => 3 + ((id * 7 + i * 3) % 50))];
  return { id, prompt, maxNewTokens, expectedNewTokens: extra.stopAfter ?? maxNewTokens, sampling: { temperature: 0, topP: 1, seed: id }, arrivalMs: 0, ...extra };
}

/** Steps the engine to completion (failing after `limit` iterations) and returns every event. */
export async function drain(engine: ServingEngine, limit = 10_000, between?: (e: IterationEvent) => void): Promise<IterationEvent[]> {
  const events: IterationEvent[] = [];
  for (let e = await engine.step(); e; e = await engine.step()) {
    events.push(e);
    between?.(e);
    if (events.length > limit) throw new Error(`engine still running after ${limit} iterations`);
  }
  return events;
}

/** The grid as text, one row per slot: P prefill, D decode, E a finishing token, . idle. */
export function gridText(events: readonly IterationEvent[]): string[] {
  const rows = Math.max(...events.map((e) => e.slots.length));
  return Array.from({ length: rows }, (_, r) =>
    events
      .map((e) => {
        const s = e.slots[r];
        if (!s || s.kind === 'idle') return '.';
        if (s.finished) return 'E';
        return s.kind === 'prefill' ? 'P' : 'D';
      })
      .join(''),
  );
}
