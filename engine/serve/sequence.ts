import { completionSeed } from '../model/rng';
import type { SamplingParams } from '../model/sampler';
import type { Request, RequestRecord } from './request';
import { requestMaxPositions } from './request';
import type { SeqView } from './sched/types';

/**
 * The engine's mutable state of one sequence: a request, or one completion of a request that asks
 * for n > 1 (each completion is a sequence of its own, with its own slot, KV hold and sampler
 * stream). Schedulers see it only as a read-only SeqView.
 */
export class Sequence implements SeqView {
  readonly id: number;
  readonly req: Request;
  readonly completion: number;
  /** Every completion of the request, this one included (one element when n = 1). */
  readonly group: Sequence[];
  /** The request's sampling, with this completion's own seed (completion 0 keeps the request's). */
  readonly sampling: SamplingParams;
  /** Prompt then generated tokens: what a recompute after preemption feeds back. */
  readonly tokens: number[];
  computed = 0;
  /** Positions below this are prefill (the prompt, or prompt + output when recomputing). */
  prefillEnd: number;
  slot: number | null = null;
  readonly record: RequestRecord;
  /** The completion whose prompt prefill this one waits in its slot to share, until the fork. */
  sharing: Sequence | null = null;
  /** Completions waiting in their slots to share this one's prefill. */
  sharers = 0;
  /** True until the group is first admitted: its completions can still be admitted together. */
  groupFresh: boolean;
  /** Positions served without computing at the last admission (prefix cache) or fork, for the next slot record. */
  cachedNow = 0;
  forkedNow = 0;

  constructor(id: number, req: Request, completion: number, group: Sequence[]) {
    this.id = id;
    this.req = req;
    this.completion = completion;
    this.group = group;
    this.sampling = completion === 0 ? req.sampling : { ...req.sampling, seed: completionSeed(req.sampling.seed, completion) };
    this.tokens = req.prompt.slice();
    this.prefillEnd = req.prompt.length;
    this.groupFresh = (req.n ?? 1) > 1;
    this.record = { id: req.id, arrivalMs: req.arrivalMs, promptTokens: req.prompt.length, state: 'pending', output: [], tokenMs: [], preemptions: 0 };
  }

  get requestId(): number {
    return this.req.id;
  }
  get arrivalMs(): number {
    return this.req.arrivalMs;
  }
  get pending(): number {
    if (this.sharing) return 0;
    // The prompt's last token is each completion's own: the shared prefill stops before it.
    if (this.sharers > 0) return Math.max(0, this.tokens.length - 1 - this.computed);
    return this.tokens.length - this.computed;
  }
  get maxPositions(): number {
    return requestMaxPositions(this.req);
  }
  get expectedPositions(): number {
    return Math.min(this.maxPositions, this.req.prompt.length + this.req.expectedNewTokens - 1);
  }
  get finished(): boolean {
    return this.record.state === 'finished';
  }
  get generated(): number {
    return this.record.output.length;
  }
  /** A waiting first completion lists the others while they can still join it. */
  get followers(): readonly number[] {
    return this.groupFresh && this.completion === 0 ? this.group.slice(1).map((s) => s.id) : [];
  }
  get shareFrom(): number | null {
    return this.sharing?.id ?? null;
  }

  /** Starts waiting in its slot to share `leader`'s prefill. */
  shareWith(leader: Sequence): void {
    this.sharing = leader;
    leader.sharers++;
  }

  /** Stops waiting for a prefill to share: forked, or on its own from now on (it computes its own prompt). */
  unshare(): void {
    if (!this.sharing) return;
    this.sharing.sharers--;
    this.sharing = null;
  }
}
