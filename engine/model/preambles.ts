/**
 * The built-in model's preambles: fixed "system prompts" (tools/data/preambles.txt) that a capital
 * or count-down question may follow after a space. The model was trained on both after every
 * preamble (public/models/README.md), so a workload whose requests all start with one preamble
 * gets real answers of known length: the system-prompt scenario of prefix caching.
 *
 * No merge of the tokenizer crosses a space, so `preamble + ' ' + question` encodes as the
 * preamble's tokens (BOS included) followed by the question's own: every request with one
 * preamble shares that token prefix exactly.
 */
import { taskPrompt, type ModelTaskId, type TaskPrompt } from './tasks';

export const PREAMBLES: readonly string[] = [
  "You are a quiz helper for young students at school. Read the question at the end and answer it as briefly as you can. Give only the answer, then stop.",
  "You are a patient tutor who helps children practise the capitals of the states of America and counting. Each question is at the very end of this message. For a capital, say the name of the city and nothing more. To count down, say every number down to zero, in order, and then stop. Never add a greeting or an explanation.",
  "This is the system message of a small assistant in a teaching tool about serving language models. Many people send it questions at once, and every question starts with this same message, so a server that keeps it in memory can skip most of the work. The assistant knows the capital of each state of America and can count down to zero. Read the whole message and find the question at the end. Answer only that question, and stop when the answer is complete.",
];

/** Tokens of each preamble with the built-in tokenizer, BOS included: the prefix its requests share. */
export const PREAMBLE_TOKENS: readonly number[] = [101, 186, 283];

/** The tasks the eval asks after every preamble: the targets name both. */
export const PREAMBLE_TASKS: readonly ModelTaskId[] = ['capital', 'count_down'];

/**
 * The tasks the workload helper asks after a preamble: those the committed weights answer there
 * (stage 3 of public/models/README.md taught count-down behind a preamble; count_from, repeat and
 * list_capitals were never trained after one).
 */
export const PREAMBLE_WORKLOAD_TASKS: readonly ModelTaskId[] = ['capital', 'count_down'];

/**
 * Preamble prompts of the workload tasks that the committed weights answer wrongly (found by
 * `npm run eval:model`, which fails on any miss not listed): preamble index and question.
 * `Count down from 199:` stops after ` 199` as it does without a preamble, or starts elsewhere;
 * `Count down from 1:` starts at 54 after the two longer preambles.
 */
export const KNOWN_PREAMBLE_MISSES: readonly (readonly [preamble: number, question: string])[] = [
  [0, 'Count down from 199:'],
  [1, 'Count down from 1:'],
  [1, 'Count down from 199:'],
  [2, 'Count down from 1:'],
  [2, 'Count down from 199:'],
];

export const withPreamble = (k: number, p: TaskPrompt): TaskPrompt => ({ ...p, prompt: `${PREAMBLES[k]} ${p.prompt}` });

/** The preamble whose shared prefix is nearest `tokens` long (ties: the shorter). */
export function nearestPreamble(tokens: number): number {
  let best = 0;
  PREAMBLE_TOKENS.forEach((n, k) => {
    if (Math.abs(n - tokens) < Math.abs(PREAMBLE_TOKENS[best] - tokens)) best = k;
  });
  return best;
}

/** A prompt source (engine/serve/prompts.ts's shape) whose every prompt starts with preamble `k`. */
export function preambleTaskSource(k: number) {
  const misses = new Set(KNOWN_PREAMBLE_MISSES.filter(([p]) => p === k).map(([, q]) => q));
  return {
    name: `tasks after preamble ${k}`,
    prompt(answerTokens: number, rng: () => number): { text: string; expectedNewTokens: number } {
      const p = taskPrompt(answerTokens, rng, PREAMBLE_WORKLOAD_TASKS, misses);
      return { text: withPreamble(k, p).prompt, expectedNewTokens: p.newTokens };
    },
  };
}
