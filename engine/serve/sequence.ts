import type { Request, RequestRecord } from './request';
import { requestMaxPositions } from './request';
import type { SeqView } from './sched/types';

/** The engine's mutable state of one request; schedulers see it only as a read-only SeqView. */
export class Sequence implements SeqView {
  readonly req: Request;
  /** Prompt then generated tokens: what a recompute after preemption feeds back. */
  readonly tokens: number[];
  computed = 0;
  /** Positions below this are prefill (the prompt, or prompt + output when recomputing). */
  prefillEnd: number;
  slot: number | null = null;
  readonly record: RequestRecord;

  constructor(req: Request) {
    this.req = req;
    this.tokens = req.prompt.slice();
    this.prefillEnd = req.prompt.length;
    this.record = { id: req.id, arrivalMs: req.arrivalMs, promptTokens: req.prompt.length, state: 'pending', output: [], tokenMs: [], preemptions: 0 };
  }

  get id(): number {
    return this.req.id;
  }
  get arrivalMs(): number {
    return this.req.arrivalMs;
  }
  get pending(): number {
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
}
