import type { KneeResult } from './knee';

/**
 * The token budget (max_num_batched_tokens) to propose with chunked prefill, from a device's
 * sweep. Sarathi-Serve's point: a step costs about the same up to the knee, so a budget at or
 * below it lets prompt chunks ride along with the decodes for free. With no flat region (a CPU)
 * every token costs, so the budget trades time to first token against time per output token
 * directly, and a small one (the decodes plus a few prompt tokens) keeps decodes steady.
 */
export function proposeTokenBudget(k: KneeResult, maxNumSeqs: number, largestMeasured: number): { budget: number; why: string } {
  const floor = 2 * maxNumSeqs;
  const pow2Below = (n: number) => 2 ** Math.floor(Math.log2(Math.max(1, n)));
  switch (k.verdict) {
    case 'knee': {
      const budget = Math.max(floor, pow2Below(k.knee!));
      return { budget, why: `at or below the knee (~${k.knee} tokens per step), a step costs about the same, so prompt chunks ride along with the decodes` };
    }
    case 'no-flat-region':
      return { budget: 2 * maxNumSeqs, why: 'no flat region here: every token in a step costs time, so a small budget (the decodes plus as many prompt tokens) keeps decodes steady and delays first tokens instead' };
    case 'flat-throughout':
      return { budget: Math.max(floor, pow2Below(largestMeasured)), why: `steps stayed flat up to ${largestMeasured} tokens, the largest measured` };
  }
}
