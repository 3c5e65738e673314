import { KNOWN_MISSES, LIST_ANSWER_TOKENS, MAX_NUMBER, STATES, countDownPrompt, listCapitalsPrompt } from './tasks';

/**
 * Long prompts for a model trained on short ones. The built-in model never saw a prompt longer
 * than a dozen tokens, but it was trained to predict every answer token from the answer so far,
 * so a task prompt followed by the first part of its own answer is a prompt it resumes exactly:
 * "Count down from 180: 180 179 ... 31" is answered " 30 29 ... 0" and EOS, and "List the capitals
 * from Alabama:" with its first twenty sentences goes on from the twenty-first. That gives prompts
 * of 150-400 tokens whose answer length is still known, for the long-prompts workload (where
 * chunked prefill matters). Pure arithmetic and text: no tokenizer.
 */
export interface ResumedPrompt {
  /** Task prompt + the start of its answer. */
  text: string;
  /** Estimated prompt tokens, BOS included (exact for count-downs, within 3 for lists). */
  promptTokens: number;
  /** New tokens a greedy decode generates: the rest of the answer and EOS. */
  newTokens: number;
}

/** Prompt tokens of the bare task prompts with the shipped tokenizer (BOS and dummy prefix included); lists vary 7-12. */
const COUNT_DOWN_PROMPT = 6;
const LIST_PROMPT = 9;

interface Candidate {
  promptTokens: number;
  newTokens: number;
  build(): string;
}

let cache: Candidate[] | null = null;

/** Every split of every count-down (the prompt must not be a known miss) and of every list, at sentence ends. */
function candidates(): Candidate[] {
  if (cache) return cache;
  const out: Candidate[] = [];
  for (let n = 1; n <= MAX_NUMBER; n++) {
    const p = countDownPrompt(n);
    if (KNOWN_MISSES.includes(p.prompt)) continue;
    // k numbers (one token each) go into the prompt; the model says the other n + 1 - k and EOS.
    for (let k = 1; k <= n; k++) {
      out.push({ promptTokens: COUNT_DOWN_PROMPT + k, newTokens: n + 1 - k + 1, build: () => p.prompt + p.answer.split(' ').slice(0, k + 1).join(' ') });
    }
  }
  for (let i = 0; i < STATES.length; i++) {
    const p = listCapitalsPrompt(i);
    const sentences = p.answer.match(/ [^.]*\./g)!;
    // The first j - i sentences go into the prompt; sentence j onwards is the answer.
    for (let j = i + 1; j < STATES.length; j++) {
      const inPrompt = LIST_ANSWER_TOKENS[i] - LIST_ANSWER_TOKENS[j];
      out.push({ promptTokens: LIST_PROMPT + inPrompt, newTokens: LIST_ANSWER_TOKENS[j] + 1, build: () => p.prompt + sentences.slice(0, j - i).join('') });
    }
  }
  return (cache = out);
}

/**
 * A resumed task prompt near `promptTokens` long whose answer is near `newTokens` (EOS included):
 * the candidates closest to both (prompt length first: it is what the workload is about), one of
 * the nearest few picked with `rng`. Answers are bounded by what the task leaves after the prompt
 * (a 400-token prompt leaves at most ~40), so check the result's `newTokens`.
 */
export function resumedTaskPrompt(promptTokens: number, newTokens: number, rng: () => number): ResumedPrompt {
  const score = (c: Candidate) => 2 * Math.abs(c.promptTokens - promptTokens) + Math.abs(c.newTokens - newTokens);
  const all = candidates();
  let best = Infinity;
  for (const c of all) best = Math.min(best, score(c));
  const near = all.filter((c) => score(c) <= best + 2);
  const c = near[Math.min(near.length - 1, Math.floor(rng() * near.length))];
  return { text: c.build(), promptTokens: c.promptTokens, newTokens: c.newTokens };
}

/** The built-in model's tasks as a workload prompt source that honours the prompt length asked for. */
export const resumedTaskPromptSource = {
  name: 'tasks',
  prompt(answerTokens: number, rng: () => number, promptTokens?: number): { text: string; expectedNewTokens: number } {
    const p = resumedTaskPrompt(promptTokens ?? COUNT_DOWN_PROMPT + 1, answerTokens, rng);
    return { text: p.text, expectedNewTokens: p.newTokens };
  },
};
