import type { KvManager } from '../../kv/manager';
import type { Plan, ScheduleInput, SchedulerMemo, SeqView } from './types';

/** First come, first served: arrival time, then request id, then completion. */
export const fcfs = (a: SeqView, b: SeqView): number =>
  a.arrivalMs - b.arrivalMs || (a.requestId ?? a.id) - (b.requestId ?? b.id) || (a.completion ?? 0) - (b.completion ?? 0);

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
  private admitted: Plan['admit'] = [];
  private forks: Plan['forks'] = [];
  private runs: { id: number; tokens: number }[] = [];
  /** Progress this plan gives sequences before they run (cache hits, forks), over what their views say. */
  private computedNow = new Map<number, number>();
  private pendingNow = new Map<number, number>();

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
    f.forks = this.forks.slice();
    f.runs = this.runs.slice();
    f.computedNow = new Map(this.computedNow);
    f.pendingNow = new Map(this.pendingNow);
    return f;
  }

  computed(seq: SeqView): number {
    return this.computedNow.get(seq.id) ?? seq.computed;
  }

  pending(seq: SeqView): number {
    return this.pendingNow.get(seq.id) ?? seq.pending;
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

  /** How many more sequences may take a slot now. */
  freeSlotCount(): number {
    const { maxNumSeqs } = this.input.knobs;
    let free = 0;
    for (let i = 0; i < maxNumSeqs; i++) if (!this.slots[i]) free++;
    return Math.max(0, Math.min(free, maxNumSeqs - this.occupants().length));
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
    this.forkReady();
    const oneToken = (s: SeqView) => Number(this.pending(s) === 1);
    const queue = this.running().sort((a, b) => oneToken(b) - oneToken(a) || fcfs(a, b));
    // A completion still waiting to share a prefill holds nothing, so evicting it would free nothing.
    const forked = new Set(this.forks.map((f) => f.to));
    const victims = queue.filter((s) => s.shareFrom == null || forked.has(s.id));
    const evicted = new Set<SeqView>();
    for (const seq of queue) {
      if (evicted.has(seq)) continue;
      const n = this.chunk(this.pending(seq));
      if (n === 0) continue; // stalled: the budget is spent, or it waits for a fork
      while (!this.kv.grow(seq.id, this.computed(seq) + n)) {
        const victim = victims.filter((s) => !evicted.has(s)).reduce((a, b) => (fcfs(a, b) > 0 ? a : b));
        evicted.add(victim);
        this.preempt(victim);
        if (victim === seq) break;
      }
      if (!evicted.has(seq)) this.run(seq.id, n);
    }
  }

  /**
   * Forks every group whose shared prompt is ready: each waiting completion takes the blocks of the
   * positions its leader computed (all of the prompt but its last token), and then every completion
   * runs that last token itself, sampling its first token from its own stream.
   */
  private forkReady(): void {
    const running = this.running();
    const byId = new Map(running.map((s) => [s.id, s]));
    const ready = new Map<SeqView, SeqView[]>();
    for (const f of running) {
      const leader = f.shareFrom == null ? undefined : byId.get(f.shareFrom);
      if (leader && this.pending(leader) === 0) ready.set(leader, [...(ready.get(leader) ?? []), f]);
    }
    for (const [leader, followers] of ready) {
      const positions = this.computed(leader);
      for (const f of followers) {
        this.kv.fork(leader.id, f.id, positions);
        this.forks.push({ from: leader.id, to: f.id, positions });
        this.computedNow.set(f.id, positions);
        this.pendingNow.set(f.id, f.tokens ? f.tokens.length - positions : 1);
      }
      this.pendingNow.set(leader.id, 1);
    }
  }

  /**
   * Gives `seq` the slot if the KV manager admits it, serving what it can of its prompt from the
   * prefix cache (only the rest counts against the token budget). With `runNow` its first chunk
   * must also fit this step's budget and run; without, it may wait in its slot (static batching
   * admits a whole batch at once) but its whole pending prompt must fit in KV memory now.
   *
   * A request asking for several completions, paged, is admitted with all of them when the slots
   * allow (or waits): its first completion prefills the prompt but its last token, the others wait
   * in their slots and then share those blocks (see forkReady).
   */
  tryAdmit(seq: SeqView, slot: number, runNow: boolean): boolean {
    const followers = this.kv.kind === 'paged' ? (seq.followers ?? []) : [];
    if (followers.length > 0 && this.freeSlotCount() < 1 + followers.length) return false;
    if (!this.kv.admit(seq.id, seq.maxPositions, seq.expectedPositions)) return false;
    const cached = seq.tokens ? this.kv.reuseCached(seq.id, seq.tokens, seq.pending - 1) : 0;
    // Nothing left to prefill before the fork: the others find the same blocks in the cache.
    const group = followers.length > 0 && seq.pending - 1 - cached > 0;
    const rest = seq.pending - cached - (group ? 1 : 0);
    const n = this.chunk(rest);
    if ((runNow && n === 0) || !this.kv.grow(seq.id, cached + (runNow ? n : rest))) {
      this.kv.free(seq.id);
      return false;
    }
    this.slots[slot] = seq;
    this.admitted.push({ id: seq.id, slot, cached });
    this.computedNow.set(seq.id, cached);
    this.pendingNow.set(seq.id, rest);
    if (n > 0) this.run(seq.id, n);
    if (group) {
      for (const id of followers) {
        const f = this.input.waiting.find((w) => w.id === id)!;
        const at = this.freeSlot();
        this.kv.admit(f.id, f.maxPositions, f.expectedPositions);
        this.slots[at] = f;
        this.admitted.push({ id: f.id, slot: at, cached: 0, shareFrom: seq.id });
        this.pendingNow.set(f.id, 0);
      }
    }
    return true;
  }

  /** Admits waiting requests first come first served into free slots until one does not fit. */
  admitWaiting(runNow: boolean): void {
    for (const seq of this.input.waiting) {
      if (this.admitted.some((a) => a.id === seq.id)) continue; // a completion admitted with its first
      const slot = this.freeSlot();
      if (slot < 0 || !this.tryAdmit(seq, slot, runNow)) return;
    }
  }

  build(memo: SchedulerMemo): Plan {
    return { release: this.release, preempt: this.preempted, admit: this.admitted, forks: this.forks, run: this.runs, kv: this.kv, memo };
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
