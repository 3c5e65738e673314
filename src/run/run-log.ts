import type { IterationEvent } from '../../engine/serve/events';
import type { RequestRecord } from '../../engine/serve/request';
import type { RequestMeta } from './types';

export interface RequestTrack {
  id: number;
  meta?: RequestMeta;
  /** Generated tokens so far, the stopping EOS included (as the engine counts them). */
  output: number[];
  /** End of the iteration that produced each output token. */
  tokenMs: number[];
  slots: number[];
  /** First iteration that gave it a slot, or -1 while it has none. */
  firstIteration: number;
  firstScheduledMs?: number;
  firstTokenMs?: number;
  finishedMs?: number;
  finishReason?: 'eos' | 'length';
  preemptions: number;
  /** Token positions run through the model for it, recomputed ones counted again. */
  computed: number;
  /** Distinct positions it has reached (its highest position + 1; summed over its completions). */
  reached: number;
  /** Positions it first reached without computing them: served from the prefix cache, or shared at a fork. */
  served: number;
  /** Highest position + 1 reached by each completion (index 0 for a request with one). */
  reachedBy: number[];
  /**
   * A request with several completions: each one's tokens (completion 0's arrays are `output` and
   * `tokenMs` above). The request finishes when all of them have (`finishedMs` is the last).
   */
  completions?: CompletionTrack[];
}

export interface CompletionTrack {
  output: number[];
  tokenMs: number[];
  finishedMs?: number;
  finishReason?: 'eos' | 'length';
}

type Listener = () => void;

/**
 * The events of one run, appended as the worker posts them, plus per-request tracks derived
 * incrementally. It is deliberately not React state: views subscribe and draw on canvas when it
 * changes, so a new iteration never re-renders the component tree.
 */
export class RunLog {
  readonly events: IterationEvent[] = [];
  readonly requests = new Map<number, RequestTrack>();
  private vocab: Record<number, string> | string[] = [];
  private listeners = new Set<Listener>();
  /** Bumped on every change; views compare it to skip redundant draws. */
  version = 0;
  /**
   * Bumped by clear(): views that build on earlier events start over when it changes (a clear
   * followed at once by a longer run, as an imported trace replaces the demo, shows no shrink).
   */
  runId = 0;

  setVocab(vocab: Record<number, string> | string[]): void {
    this.vocab = vocab;
    this.changed();
  }

  /** Text of a token as printed; a leading space after BOS is dropped, as llama2.c does. */
  tokenText(id: number, prev = -1): string {
    if (id === 1 || id === 2) return id === 1 ? '<s>' : '</s>';
    const t = (this.vocab as Record<number, string>)[id] ?? `#${id}`;
    return prev === 1 && t.startsWith(' ') ? t.slice(1) : t;
  }

  text(tokens: readonly number[], prev = 1): string {
    let out = '';
    for (const t of tokens) {
      if (t !== 1 && t !== 2) out += this.tokenText(t, prev);
      prev = t;
    }
    return out;
  }

  addRequests(metas: readonly RequestMeta[]): void {
    for (const m of metas) this.track(m.id).meta = m;
    this.changed();
  }

  append(events: readonly IterationEvent[]): void {
    for (const ev of events) {
      if (ev.index !== this.events.length) {
        throw new Error(`iteration ${ev.index} arrived after ${this.events.length - 1}: events must come in order`);
      }
      this.events.push(ev);
      this.derive(ev);
    }
    if (events.length) this.changed();
  }

  clear(): void {
    this.runId++;
    this.events.length = 0;
    this.requests.clear();
    this.changed();
  }

  get lastEvent(): IterationEvent | undefined {
    return this.events[this.events.length - 1];
  }

  get slotCount(): number {
    return this.events.reduce((m, e) => Math.max(m, e.slots.length), 0);
  }

  /** The requests as the engine's RequestRecord, for trace export and the engine's metrics. */
  records(): RequestRecord[] {
    return [...this.requests.values()]
      .sort((a, b) => a.id - b.id)
      .map((t) => ({
        id: t.id,
        arrivalMs: t.meta?.arrivalMs ?? t.firstScheduledMs ?? 0,
        promptTokens: t.meta?.prompt.length ?? 0,
        state: t.finishedMs !== undefined ? 'finished' : t.firstIteration >= 0 ? 'running' : 'waiting',
        output: t.output.slice(),
        tokenMs: t.tokenMs.slice(),
        firstScheduledMs: t.firstScheduledMs,
        finishMs: t.finishedMs,
        finishReason: t.finishReason,
        preemptions: t.preemptions,
        ...(t.completions && {
          completions: t.completions.map((c) => ({ output: c.output.slice(), tokenMs: c.tokenMs.slice(), finishMs: c.finishedMs, finishReason: c.finishReason, preemptions: 0 })),
        }),
      }));
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private track(id: number): RequestTrack {
    let t = this.requests.get(id);
    if (!t) {
      t = { id, output: [], tokenMs: [], slots: [], firstIteration: -1, preemptions: 0, computed: 0, reached: 0, served: 0, reachedBy: [] };
      this.requests.set(id, t);
    }
    return t;
  }

  private derive(ev: IterationEvent): void {
    for (const s of ev.slots) {
      if (s.requestId === null) continue;
      const t = this.track(s.requestId);
      if (t.firstIteration < 0) {
        t.firstIteration = ev.index;
        t.firstScheduledMs = ev.startMs;
      }
      const stream = s.completion === undefined ? t : this.completion(t, s.completion);
      // Completions hold several slots at once: list each slot once rather than every switch between them.
      if (s.completion === undefined ? t.slots[t.slots.length - 1] !== s.slot : !t.slots.includes(s.slot)) t.slots.push(s.slot);
      if (s.kind !== 'idle') {
        // A recompute (after preemption, or on a new backend) runs positions it had already reached;
        // positions before startPos served by the cache or a fork were reached without compute.
        const c = s.completion ?? 0;
        const before = t.reachedBy[c] ?? 0;
        const start = s.startPos ?? 0;
        if (s.cachedTokens || s.forkedTokens) t.served += Math.max(0, start - before);
        t.reachedBy[c] = Math.max(before, start + s.tokenCount);
        t.reached += t.reachedBy[c] - before;
        t.computed += s.tokenCount;
      }
      if (s.kind === 'idle' || s.outputToken < 0) continue;
      if (t.firstTokenMs === undefined) t.firstTokenMs = ev.endMs;
      stream.output.push(s.outputToken);
      stream.tokenMs.push(ev.endMs);
      if (s.finished) {
        stream.finishedMs = ev.endMs;
        stream.finishReason = s.finishReason;
        if (t.completions && t.completions.length >= (t.meta?.n ?? 1) && t.completions.every((c) => c.finishedMs !== undefined)) {
          t.finishedMs = ev.endMs;
          t.finishReason = t.completions[0].finishReason;
        }
      }
    }
    // Recompute keeps the generated tokens (they are prefilled again with the prompt), so only
    // the count changes here.
    for (const id of ev.preempted) this.track(id).preemptions++;
  }

  /** Completion `c` of a request with several; completion 0 shares the track's own arrays. */
  private completion(t: RequestTrack, c: number): CompletionTrack {
    t.completions ??= [{ output: t.output, tokenMs: t.tokenMs }];
    while (t.completions.length <= c) t.completions.push({ output: [], tokenMs: [] });
    return t.completions[c];
  }

  private changed(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }
}
