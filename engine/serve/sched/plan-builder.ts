import type { KvManager } from '../../kv/manager';
import type { Plan, ScheduleInput, SchedulerMemo, SeqView } from './types';

/** First come, first served: arrival time, then id. */
export const fcfs = (a: SeqView, b: SeqView): number => a.arrivalMs - b.arrivalMs || a.id - b.id;

/**
 * The moves every policy is made of (release a slot, run a request under the token budget with
 * preemption when KV runs out, admit a waiting request), on a private copy of the slots and the
 * KV manager. A policy is a short sequence of these moves; `fork` lets it try a move and keep or
 * drop the result.
 */
export class PlanBuilder {
  readonly input: ScheduleInput;
  kv: KvManager;
  budget: number;
  private slots: (SeqView | null)[];
  private release: number[] = [];
  private preempted: number[] = [];
  private admitted: { id: number; slot: number }[] = [];
  private runs: { id: number; tokens: number }[] = [];

  constructor(input: ScheduleInput, kv = input.kv.clone()) {
    this.input = input;
    this.kv = kv;
    this.budget = input.knobs.maxNumBatchedTokens;
    this.slots = input.slots.slice();
  }

  fork(): PlanBuilder {
    const f = new PlanBuilder(this.input, this.kv.clone());
    f.budget = this.budget;
    f.slots = this.slots.slice();
    f.release = this.release.slice();
    f.preempted = this.preempted.slice();
    f.admitted = this.admitted.slice();
    f.runs = this.runs.slice();
    return f;
  }

  get admittedCount(): number {
    return this.admitted.length;
  }

  get preemptedCount(): number {
    return this.preempted.length;
  }

  occupants(): SeqView[] {
    return this.slots.filter((s): s is SeqView => s !== null);
  }

  /** Unfinished requests in slots, first come first served. */
  running(): SeqView[] {
    return this.occupants()
      .filter((s) => !s.finished)
      .sort(fcfs);
  }

  /** Frees the slots of finished requests (their K/V was freed when they finished). */
  releaseFinished(): void {
    this.slots.forEach((s, slot) => {
      if (s?.finished) {
        this.slots[slot] = null;
        this.release.push(slot);
      }
    });
  }

  /**
   * The lowest free slot below max_num_seqs, or -1; also -1 while the slots hold max_num_seqs
   * requests or more (it was lowered live and the surplus has not drained yet), as vLLM stops
   * admitting once its running list is max_num_seqs long.
   */
  freeSlot(): number {
    if (this.occupants().length >= this.input.knobs.maxNumSeqs) return -1;
    for (let i = 0; i < this.input.knobs.maxNumSeqs; i++) if (!this.slots[i]) return i;
    return -1;
  }

  /** Tokens this step can give a request with `pending` tokens: all, a chunk, or 0 (it waits). */
  chunk(pending: number): number {
    if (this.input.knobs.chunkedPrefill) return Math.min(pending, this.budget);
    return pending <= this.budget ? pending : 0;
  }

  /**
   * Schedules every running request under the budget: those with one token to run (decodes) first,
   * then those still prefilling, each group first come first served, so a long prefill never takes
   * the budget a decode needs (Sarathi-Serve's stall-free batches). When the KV manager cannot grow
   * one, the newest running request is preempted (vLLM V0 pops the latest arrival from its
   * FCFS-sorted running queue; V1 the last of its running list), even one already scheduled this
   * step, which gives its tokens back, or the one being scheduled, until it fits.
   */
  scheduleRunning(): void {
    const queue = this.running().sort((a, b) => Number(b.pending === 1) - Number(a.pending === 1) || fcfs(a, b));
    const evicted = new Set<SeqView>();
    for (const seq of queue) {
      if (evicted.has(seq)) continue;
      const n = this.chunk(seq.pending);
      if (n === 0) continue; // stalled: the budget is spent
      while (!this.kv.grow(seq.id, seq.computed + n)) {
        const victim = queue.filter((s) => !evicted.has(s)).reduce((a, b) => (fcfs(a, b) > 0 ? a : b));
        evicted.add(victim);
        this.preempt(victim);
        if (victim === seq) break;
      }
      if (!evicted.has(seq)) this.run(seq.id, n);
    }
  }

  /**
   * Gives `seq` the slot if the KV manager admits it. With `runNow` its first chunk must also fit
   * this step's budget and run; without, it may wait in its slot (static batching admits a whole
   * batch at once) but its whole pending prompt must fit in KV memory now.
   */
  tryAdmit(seq: SeqView, slot: number, runNow: boolean): boolean {
    const n = this.chunk(seq.pending);
    if (runNow && n === 0) return false;
    if (!this.kv.admit(seq.id, seq.maxPositions, seq.expectedPositions)) return false;
    if (!this.kv.grow(seq.id, seq.computed + (runNow ? n : seq.pending))) {
      this.kv.free(seq.id);
      return false;
    }
    this.slots[slot] = seq;
    this.admitted.push({ id: seq.id, slot });
    if (n > 0) this.run(seq.id, n);
    return true;
  }

  /** Admits waiting requests first come first served into free slots until one does not fit. */
  admitWaiting(runNow: boolean): void {
    for (const seq of this.input.waiting) {
      const slot = this.freeSlot();
      if (slot < 0 || !this.tryAdmit(seq, slot, runNow)) return;
    }
  }

  build(memo: SchedulerMemo): Plan {
    return { release: this.release, preempt: this.preempted, admit: this.admitted, run: this.runs, kv: this.kv, memo };
  }

  private run(id: number, tokens: number): void {
    this.runs.push({ id, tokens });
    this.budget -= tokens;
  }

  private preempt(seq: SeqView): void {
    const ran = this.runs.findIndex((r) => r.id === seq.id);
    if (ran >= 0) this.budget += this.runs.splice(ran, 1)[0].tokens;
    this.kv.free(seq.id);
    const slot = this.slots.indexOf(seq);
    this.slots[slot] = null;
    this.preempted.push(seq.id);
  }
}
