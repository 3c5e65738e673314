import type { Backend, SequenceStep } from '../backend/types';
import type { BlockCopy } from '../kv/manager';
import { BatchscopeError } from '../errors';
import { KvManager } from '../kv/manager';
import type { KvManagerKind } from '../kv/policy';
import { BOS, EOS } from '../model/tokenizer';
import type { IterationEvent } from './events';
import { DEFAULT_FORMATS } from '../model/quant/formats';
import { stepTraffic } from '../backend/traffic';
import { requestMaxPositions, validateRequests, type Request, type RequestRecord } from './request';
import { requestRecord } from './records';
import { continuousScheduler } from './sched/continuous';
import { DEFAULT_KNOBS, validateKnobs, type SchedulerKnobs, type Strategy } from './sched/knobs';
import { fcfs } from './sched/plan-builder';
import { staticScheduler } from './sched/static';
import { INITIAL_MEMO, type Plan, type Scheduler, type SchedulerMemo } from './sched/types';
import { Sequence } from './sequence';
import { slotRecords } from './slot-records';

const SCHEDULERS: Record<Strategy, Scheduler> = { static: staticScheduler, continuous: continuousScheduler };

export interface EngineOptions {
  backend: Backend;
  requests?: readonly Request[];
  strategy?: Strategy;
  knobs?: Partial<SchedulerKnobs>;
  kvManager?: KvManagerKind;
  /** Automatic prefix caching (paged KV only; default off, as in vLLM V0). */
  prefixCaching?: boolean;
}

/**
 * The serving engine: one `step()` is one iteration, schedule -> backend step -> postprocess ->
 * IterationEvent (nano-vllm's split). The scheduler decides who runs and how many tokens; the
 * backend only computes; this class moves requests between the queue and the batch slots and
 * keeps the clock.
 *
 * The clock is busy time: each iteration advances it by its measured duration (or, on the sim
 * backend, by the predicted step time), and when nothing can run it jumps to the next arrival.
 * Pausing between steps therefore never counts, and with the sim backend or burst arrivals a run
 * is a pure function of its inputs.
 *
 * Strategy, knobs and KV manager may change between any two steps (see docs/architecture.md,
 * "Serving: live changes"); requests keep their state and nothing is dropped.
 */
export class ServingEngine {
  private backendNow: Backend;
  private scheduler: Scheduler;
  private knobsNow: SchedulerKnobs;
  private kv: KvManager;
  private memo: SchedulerMemo = INITIAL_MEMO;
  /** Every sequence by its id (one per completion), and each request's completions by request id. */
  private readonly seqs = new Map<number, Sequence>();
  private readonly byRequest = new Map<number, Sequence[]>();
  /** Not yet arrived, by arrival time. */
  private future: Sequence[] = [];
  /** Arrived and not in a slot, first come first served. */
  private waiting: Sequence[] = [];
  private slots: (Sequence | null)[] = [];
  private clock = 0;
  private iteration = 0;
  private nextId = 0;
  /** The sim backend samples no real tokens, so each answer ends at the workload's expected length. */
  private readonly lengthOracle: boolean;

  constructor(opts: EngineOptions) {
    this.backendNow = opts.backend;
    this.scheduler = SCHEDULERS[opts.strategy ?? 'continuous'];
    this.kv = KvManager.create(opts.kvManager ?? 'paged', opts.backend.kv.numBlocks, opts.backend.kv.blockSize, opts.prefixCaching ?? false);
    this.knobsNow = { ...DEFAULT_KNOBS, ...opts.knobs };
    this.lengthOracle = opts.backend.kind === 'sim';
    this.addRequests(opts.requests ?? []);
  }

  get backend(): Backend {
    return this.backendNow;
  }
  get strategy(): Strategy {
    return this.scheduler.strategy;
  }
  get knobs(): SchedulerKnobs {
    return { ...this.knobsNow };
  }
  get kvManager(): KvManagerKind {
    return this.kv.kind;
  }
  get prefixCaching(): boolean {
    return this.kv.prefixCaching;
  }
  /** The engine clock, ms since the run started. */
  get nowMs(): number {
    return this.clock;
  }
  /** When the next request not yet arrived arrives (ms on the engine clock), or null: lets a view pace a replay in real time. */
  get nextArrivalMs(): number | null {
    return this.future.length > 0 ? this.future[0].arrivalMs : null;
  }
  /** True when every request has finished and left its slot. */
  get done(): boolean {
    return this.future.length === 0 && this.waiting.length === 0 && this.slots.every((s) => s === null);
  }

  /** Throws when the KV bookkeeping breaks an invariant (see KvPool.assertConsistent); tests call it between iterations. */
  assertConsistent(): void {
    this.kv.pool.assertConsistent();
    for (const s of this.slots) {
      if (s && !s.finished && !this.kv.holds(s.id)) throw new Error(`sequence ${s.id} runs in slot ${s.slot} without KV memory`);
    }
  }

  setStrategy(strategy: Strategy): void {
    this.scheduler = SCHEDULERS[strategy];
  }

  setKnobs(knobs: Partial<SchedulerKnobs>): void {
    const next = { ...this.knobsNow, ...knobs };
    validateKnobs(next, this.longestLive(), this.mostCompletionsLive());
    this.knobsNow = next;
  }

  setKvManager(kind: KvManagerKind): void {
    this.kv = this.kv.withPolicy(kind);
  }

  /** Automatic prefix caching on or off from the next iteration (see KvManager.withPrefixCaching). */
  setPrefixCaching(on: boolean): void {
    this.kv = this.kv.withPrefixCaching(on);
  }

  /**
   * Moves the run onto another backend between two iterations: cpu <-> webgpu, or a pool with
   * another block size or capacity. K/V cannot move between devices, so every running request is
   * treated as vLLM treats a preemption by recompute, except that it keeps its slot: its prompt and
   * generated tokens are prefilled again on the new backend, and its memory is re-admitted under the
   * KV policy in force, in slot order. A request the new pool cannot hold goes back to the waiting
   * queue. Sampling is counter-based, so every answer is the one the run would have given anyway.
   * The sim backend produces no real tokens, so a run cannot move between it and a real model.
   */
  setBackend(backend: Backend): void {
    const old = this.backendNow;
    if (backend === old) return;
    if ((backend.kind === 'sim') !== (old.kind === 'sim') || !sameModel(backend, old)) {
      throw new BatchscopeError('bad-argument', `a run cannot move from ${old.description} to ${backend.description}: they do not serve the same model`);
    }
    const capacity = backend.kv.numBlocks * backend.kv.blockSize;
    for (const s of this.seqs.values()) {
      if (!s.finished && s.maxPositions > capacity) {
        throw new BatchscopeError('bad-argument', `request ${s.id} needs up to ${s.maxPositions} KV positions but the new pool holds ${capacity}: keep the KV capacity at ${s.maxPositions} tokens or more while it runs`);
      }
    }
    const kv = KvManager.create(this.kv.kind, backend.kv.numBlocks, backend.kv.blockSize, this.kv.prefixCaching);
    this.slots.forEach((s, slot) => {
      if (!s || s.finished) return;
      s.computed = 0;
      s.prefillEnd = s.tokens.length;
      if (kv.admit(s.id, s.maxPositions, s.expectedPositions)) return;
      this.slots[slot] = null;
      s.slot = null;
      s.record.state = 'waiting';
      s.record.preemptions++;
      this.waiting.push(s);
    });
    // A completion waiting to share a prefill that went back to the queue computes its own prompt.
    for (const s of this.seqs.values()) if (s.sharing && s.sharing.slot === null) s.unshare();
    this.waiting.sort(fcfs);
    this.kv = kv;
    this.backendNow = backend;
  }

  /** Adds requests (arriving now or later); ids must be new. */
  addRequests(requests: readonly Request[]): void {
    validateRequests(requests, this.backend.config, this.backend.kv.numBlocks * this.backend.kv.blockSize, new Set(this.seqs.keys()));
    const mostN = requests.reduce((m, r) => Math.max(m, r.n ?? 1), this.mostCompletionsLive());
    validateKnobs(this.knobsNow, requests.reduce((m, r) => Math.max(m, requestMaxPositions(r)), this.longestLive()), mostN);
    for (const r of requests) {
      const req = { ...r, prompt: r.prompt.slice(), arrivalMs: Math.max(r.arrivalMs, this.clock) };
      const group: Sequence[] = [];
      for (let c = 0; c < (r.n ?? 1); c++) group.push(new Sequence(this.nextId++, req, c, group));
      for (const s of group) this.seqs.set(s.id, s);
      this.byRequest.set(r.id, group);
      // A loop, not push(...group) over all requests: spreading 100,000 arguments overflows the stack.
      for (const s of group) this.future.push(s);
    }
    this.future.sort(fcfs);
  }

  /** Every request's record so far, by id (a request with n > 1 lists its completions). */
  records(): RequestRecord[] {
    return [...this.byRequest.keys()].sort((a, b) => a - b).map((id) => requestRecord(this.byRequest.get(id)!));
  }

  /** Runs one iteration; null once everything has finished. */
  async step(): Promise<IterationEvent | null> {
    const t0 = performance.now();
    for (;;) {
      this.arrive();
      if (this.done) return null;
      const s0 = performance.now();
      const plan = this.scheduler.schedule({
        nowMs: this.clock,
        waiting: this.waiting,
        slots: this.slots,
        kv: this.kv,
        knobs: this.knobsNow,
        memo: this.memo,
      });
      const schedulerMs = performance.now() - s0;
      const preempted = this.apply(plan);
      if (plan.run.length > 0) return this.execute(plan, preempted, schedulerMs, t0);
      if (this.kv.takeCopies().length > 0) throw new Error('a plan copied blocks but runs nothing (a bug)');
      if (this.waiting.length > 0) throw new Error(`scheduler made no progress with ${this.waiting.length} requests waiting (a bug)`);
      if (this.future.length > 0) this.clock = Math.max(this.clock, this.future[0].arrivalMs);
      else if (this.slots.some((x) => x && !x.finished)) throw new Error('scheduler made no progress with requests in slots (a bug)');
    }
  }

  private arrive(): void {
    let n = 0;
    while (n < this.future.length && this.future[n].arrivalMs <= this.clock) n++;
    if (n === 0) return;
    for (const s of this.future.splice(0, n)) {
      s.record.state = 'waiting';
      this.waiting.push(s);
    }
    this.waiting.sort(fcfs);
  }

  /** Applies the plan's slot moves and adopts its KV state; returns slot -> preempted request id. */
  private apply(plan: Plan): Map<number, number> {
    for (const slot of plan.release) {
      const s = this.slots[slot]!;
      s.slot = null;
      this.slots[slot] = null;
    }
    const preempted = new Map<number, number>();
    for (const id of plan.preempt) {
      const s = this.seqs.get(id)!;
      preempted.set(s.slot!, s.requestId);
      this.slots[s.slot!] = null;
      s.slot = null;
      s.computed = 0;
      s.prefillEnd = s.tokens.length;
      s.record.state = 'waiting';
      s.record.preemptions++;
      s.unshare();
      // Completions waiting to share its prefill now compute their own prompts.
      for (const f of s.group) if (f.sharing === s) f.unshare();
      this.waiting.push(s);
    }
    if (plan.preempt.length) this.waiting.sort(fcfs);
    for (const { id, slot, cached, shareFrom } of plan.admit) {
      const s = this.seqs.get(id)!;
      this.waiting.splice(this.waiting.indexOf(s), 1);
      while (this.slots.length <= slot) this.slots.push(null);
      this.slots[slot] = s;
      s.slot = slot;
      s.record.state = 'running';
      s.record.firstScheduledMs ??= this.clock;
      s.prefillEnd = s.tokens.length;
      s.computed = cached;
      s.cachedNow = cached;
      s.group[0].groupFresh = false;
      if (shareFrom !== undefined) s.shareWith(this.seqs.get(shareFrom)!);
    }
    for (const { to, positions } of plan.forks) {
      const s = this.seqs.get(to)!;
      s.unshare();
      s.computed = positions;
      s.forkedNow = positions;
    }
    this.kv = plan.kv;
    this.memo = plan.memo;
    return preempted;
  }

  private async execute(plan: Plan, preempted: Map<number, number>, schedulerMs: number, t0: number): Promise<IterationEvent> {
    const startMs = this.clock;
    const copies: BlockCopy[] = this.kv.takeCopies();
    if (copies.length > 0) await this.backend.copyBlocks(copies);
    // Sequences go to the backend in slot order so a step's layout is stable and easy to read.
    const runs = plan.run.map((r) => ({ seq: this.seqs.get(r.id)!, tokens: r.tokens })).sort((a, b) => a.seq.slot! - b.seq.slot!);
    const steps: SequenceStep[] = runs.map(({ seq, tokens }) => ({
      tokens: seq.tokens.slice(seq.computed, seq.computed + tokens),
      startPos: seq.computed,
      blockTable: this.kv.blockTable(seq.id),
      logits: 'none',
      sample: seq.computed + tokens === seq.tokens.length ? seq.sampling : undefined,
    }));
    const result = await this.backend.step(steps);
    const simulated = result.timing.source === 'simulated';
    const endMs = startMs + (simulated ? result.timing.wallMs : performance.now() - t0);
    const outcomes = runs.map(({ seq, tokens }, i) => {
      const startPos = seq.computed;
      const prefill = startPos < seq.prefillEnd;
      seq.computed += tokens;
      this.kv.setFilled(seq.id, seq.computed, seq.tokens);
      const token = steps[i].sample ? result.sampled[i] : -1;
      const finish = token >= 0 ? this.accept(seq, token, endMs) : undefined;
      return { seq, startPos, tokens: steps[i].tokens as number[], prefill, token, finish };
    });
    this.clock = endMs;
    const event: IterationEvent = {
      index: this.iteration++,
      startMs,
      endMs,
      timeSource: simulated ? 'simulated' : 'measured',
      slots: slotRecords(this.slots, outcomes, preempted, this.knobsNow.maxNumSeqs),
      kv: this.kv.snapshot(this.waiting.length > 0 ? this.waiting[0].maxPositions : null, (id) => this.seqs.get(id)!.requestId),
      queueLength: this.waiting.length,
      prefillTokens: outcomes.reduce((n, o) => n + (o.prefill ? o.tokens.length : 0), 0),
      decodeTokens: outcomes.reduce((n, o) => n + (o.prefill ? 0 : o.tokens.length), 0),
      preempted: plan.preempt.map((id) => this.seqs.get(id)!.requestId),
      strategy: this.scheduler.strategy,
      knobs: { ...this.knobsNow },
      schedulerMs,
      backendMs: result.timing.wallMs,
      ...this.traffic(steps, result.experts?.bytes),
      ...(result.experts ? { experts: result.experts } : {}),
    };
    if (this.kv.caching) event.prefixCache = prefixCacheStats(plan, this.seqs);
    if (copies.length > 0) event.blockCopies = copies.length;
    for (const o of outcomes) o.seq.cachedNow = o.seq.forkedNow = 0;
    return event;
  }

  /**
   * What the step moved, from the shapes: every sampling sequence gets one logits row. An MoE's
   * expert bytes come from the step's routing record; a step without one gets no traffic figure
   * rather than a wrong one.
   */
  private traffic(steps: readonly SequenceStep[], expertBytes: number | undefined): Pick<IterationEvent, 'traffic' | 'formats'> {
    const formats = this.backend.formats ?? DEFAULT_FORMATS;
    if (this.backend.config.moe && expertBytes === undefined) return { formats };
    const t = stepTraffic(this.backend.config, formats, steps.map((s) => ({ tokens: s.tokens.length, startPos: s.startPos, logitRows: s.sample ? 1 : 0 })), { ...this.backend.trafficOptions, expertBytes });
    return { traffic: { weights: t.weights, kvRead: t.kvRead, kvWrite: t.kvWrite, activations: t.activations, scores: t.scores }, formats };
  }

  /** Records a sampled token; returns why the request stopped, if it did. */
  private accept(seq: Sequence, token: number, atMs: number): 'eos' | 'length' | undefined {
    seq.tokens.push(token);
    seq.record.output.push(token);
    seq.record.tokenMs.push(atMs);
    const n = seq.generated;
    const { stopAfter, maxNewTokens, expectedNewTokens } = seq.req;
    let reason: 'eos' | 'length' | undefined;
    if (stopAfter !== undefined) reason = n >= stopAfter ? 'length' : undefined;
    else if (this.lengthOracle ? n >= expectedNewTokens : token === EOS || token === BOS) reason = 'eos';
    if (!reason && n >= maxNewTokens) reason = 'length';
    if (reason) {
      seq.record.state = 'finished';
      seq.record.finishMs = atMs;
      seq.record.finishReason = reason;
      this.kv.free(seq.id);
    }
    return reason;
  }

  private longestLive(): number {
    let longest = 0;
    for (const s of this.seqs.values()) if (!s.finished) longest = Math.max(longest, s.maxPositions);
    return longest;
  }

  private mostCompletionsLive(): number {
    let most = 1;
    for (const g of this.byRequest.values()) if (g.some((s) => !s.finished)) most = Math.max(most, g.length);
    return most;
  }
}

/**
 * vLLM's prefix-cache counters for one iteration, in tokens: every admitted sequence queries its
 * prompt (what it must hold before it runs), and `hits` are the positions the cache served.
 * Completions admitted to share another's prefill query nothing: they never look the cache up.
 */
function prefixCacheStats(plan: Plan, seqs: ReadonlyMap<number, Sequence>): { queries: number; hits: number } {
  let queries = 0;
  let hits = 0;
  for (const a of plan.admit) {
    if (a.shareFrom !== undefined) continue;
    queries += seqs.get(a.id)!.tokens.length;
    hits += a.cached;
  }
  return { queries, hits };
}

function sameModel(a: Backend, b: Backend): boolean {
  const x = a.config;
  const y = b.config;
  return x.dim === y.dim && x.hiddenDim === y.hiddenDim && x.nLayers === y.nLayers && x.nHeads === y.nHeads && x.nKvHeads === y.nKvHeads && x.vocabSize === y.vocabSize && x.seqLen === y.seqLen;
}
