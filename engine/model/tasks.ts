/**
 * The built-in model's tasks (batchscope-tiny, public/models/README.md): prompts whose greedy answer
 * has a length the prompt sets, so a workload can ask for "an answer of 46 tokens" and get a real
 * prompt the model answers with exactly that many tokens, then EOS.
 *
 * Lengths here count tokens generated: the answer's tokens and the EOS that ends it
 * ("Count down from 45:" -> 46 numbers + EOS = 47 new tokens). Pure data and arithmetic: no imports.
 *
 * The token counts below are for public/models/batchscope-tiny.tok.bin; regenerate them with
 * `/usr/bin/python3 tools/corpus/task_lengths.py` after a tokenizer change (tasks.test.ts checks them).
 */

export type ModelTaskId = 'capital' | 'count_down' | 'count_from' | 'repeat' | 'list_capitals';

export interface ModelTask {
  readonly id: ModelTaskId;
  /** The prompt template, `{name}` for a parameter. */
  readonly template: string;
  readonly answerFormat: string;
  readonly description: string;
  /** True when the committed weights answer every prompt of the task exactly (tools/eval): only those steer lengths. */
  readonly exact: boolean;
}

export const MODEL_TASKS: readonly ModelTask[] = [
  {
    id: 'capital',
    template: 'What is the capital of {state}:',
    answerFormat: ' <capital>',
    description: 'the capital of a US state (1-8 tokens)',
    exact: true,
  },
  {
    id: 'count_down',
    template: 'Count down from {n}:',
    answerFormat: ' n n-1 ... 1 0',
    description: 'n + 1 numbers, 0 <= n <= 199, each one token',
    exact: true,
  },
  {
    id: 'list_capitals',
    template: 'List the capitals from {state}:',
    answerFormat: ' The capital of <state> is <capital>. The capital of <next state> ...',
    description: 'every state from <state> to Wyoming, alphabetically (7-427 tokens)',
    exact: true,
  },
  {
    id: 'count_from',
    template: 'Count from {a} to {b}:',
    answerFormat: ' a a+1 ... b',
    description: 'stretch task, ~99% exact (sometimes runs past b): b - a + 1 numbers, 0 <= a <= b <= 199',
    exact: false,
  },
  {
    id: 'repeat',
    template: 'Repeat {word} {n} times:',
    answerFormat: ' word word ... word',
    description: 'stretch task, exact on all 800 prompts: n words, 1 <= n <= 40',
    exact: true,
  },
];

/** tools/data/us_states.csv, in its (alphabetical) order. */
export const STATES: readonly (readonly [state: string, capital: string])[] = [
  ['Alabama', 'Montgomery'], ['Alaska', 'Juneau'], ['Arizona', 'Phoenix'], ['Arkansas', 'Little Rock'],
  ['California', 'Sacramento'], ['Colorado', 'Denver'], ['Connecticut', 'Hartford'], ['Delaware', 'Dover'],
  ['Florida', 'Tallahassee'], ['Georgia', 'Atlanta'], ['Hawaii', 'Honolulu'], ['Idaho', 'Boise'],
  ['Illinois', 'Springfield'], ['Indiana', 'Indianapolis'], ['Iowa', 'Des Moines'], ['Kansas', 'Topeka'],
  ['Kentucky', 'Frankfort'], ['Louisiana', 'Baton Rouge'], ['Maine', 'Augusta'], ['Maryland', 'Annapolis'],
  ['Massachusetts', 'Boston'], ['Michigan', 'Lansing'], ['Minnesota', 'Saint Paul'], ['Mississippi', 'Jackson'],
  ['Missouri', 'Jefferson City'], ['Montana', 'Helena'], ['Nebraska', 'Lincoln'], ['Nevada', 'Carson City'],
  ['New Hampshire', 'Concord'], ['New Jersey', 'Trenton'], ['New Mexico', 'Santa Fe'], ['New York', 'Albany'],
  ['North Carolina', 'Raleigh'], ['North Dakota', 'Bismarck'], ['Ohio', 'Columbus'], ['Oklahoma', 'Oklahoma City'],
  ['Oregon', 'Salem'], ['Pennsylvania', 'Harrisburg'], ['Rhode Island', 'Providence'], ['South Carolina', 'Columbia'],
  ['South Dakota', 'Pierre'], ['Tennessee', 'Nashville'], ['Texas', 'Austin'], ['Utah', 'Salt Lake City'],
  ['Vermont', 'Montpelier'], ['Virginia', 'Richmond'], ['Washington', 'Olympia'], ['West Virginia', 'Charleston'],
  ['Wisconsin', 'Madison'], ['Wyoming', 'Cheyenne'],
];

/** tools/data/repeat_words.txt: each word is one token. */
export const REPEAT_WORDS: readonly string[] = [
  'cat', 'dog', 'sun', 'red', 'blue', 'tree', 'bird', 'fish', 'star', 'moon',
  'cake', 'ball', 'hat', 'rain', 'snow', 'book', 'frog', 'duck', 'boat', 'bell',
];

// Answer tokens (EOS not counted) per state, in STATES order: tools/corpus/task_lengths.py.
const CAPITAL_ANSWER_TOKENS = [5, 4, 5, 8, 6, 3, 4, 3, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1, 2, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1];
export const LIST_ANSWER_TOKENS = [427, 412, 400, 385, 368, 351, 337, 322, 313, 306, 299, 292, 285, 278, 271, 263, 256, 249, 241, 234, 227, 220, 213, 205, 198, 190, 183, 176, 168, 160, 152, 143, 135, 127, 119, 112, 104, 97, 90, 82, 74, 66, 59, 52, 43, 36, 29, 22, 14, 7];

export const MAX_NUMBER = 199;
export const REPEAT_MAX = 40;

/** One real prompt of the model, with the answer it was trained to give. */
export interface TaskPrompt {
  readonly task: ModelTaskId;
  readonly prompt: string;
  /** The exact answer text (it starts with a space); EOS follows it. */
  readonly answer: string;
  /** Tokens of the answer, EOS not counted. */
  readonly answerTokens: number;
  /** Tokens a greedy decode generates: answerTokens + 1 (the EOS). */
  readonly newTokens: number;
}

const nums = (from: number, to: number, step: number): string => {
  let s = '';
  for (let k = from; step > 0 ? k <= to : k >= to; k += step) s += ` ${k}`;
  return s;
};

const make = (task: ModelTaskId, prompt: string, answer: string, answerTokens: number): TaskPrompt => ({
  task,
  prompt,
  answer,
  answerTokens,
  newTokens: answerTokens + 1,
});

export const capitalPrompt = (i: number): TaskPrompt =>
  make('capital', `What is the capital of ${STATES[i][0]}:`, ` ${STATES[i][1]}`, CAPITAL_ANSWER_TOKENS[i]);

export const countDownPrompt = (n: number): TaskPrompt => make('count_down', `Count down from ${n}:`, nums(n, 0, -1), n + 1);

export const countFromPrompt = (a: number, b: number): TaskPrompt =>
  make('count_from', `Count from ${a} to ${b}:`, nums(a, b, 1), b - a + 1);

export const repeatPrompt = (word: string, n: number): TaskPrompt =>
  make('repeat', `Repeat ${word} ${n} times:`, ` ${word}`.repeat(n), n);

export function listCapitalsPrompt(i: number): TaskPrompt {
  const answer = STATES.slice(i)
    .map(([s, c]) => ` The capital of ${s} is ${c}.`)
    .join('');
  return make('list_capitals', `List the capitals from ${STATES[i][0]}:`, answer, LIST_ANSWER_TOKENS[i]);
}

/** Every prompt of a task (count_from: all 20,100 ranges). */
export function allTaskPrompts(task: ModelTaskId): TaskPrompt[] {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  switch (task) {
    case 'capital':
      return range(STATES.length).map(capitalPrompt);
    case 'count_down':
      return range(MAX_NUMBER + 1).map(countDownPrompt);
    case 'list_capitals':
      return range(STATES.length).map(listCapitalsPrompt);
    case 'count_from':
      return range(MAX_NUMBER + 1).flatMap((a) => range(MAX_NUMBER + 1 - a).map((d) => countFromPrompt(a, a + d)));
    case 'repeat':
      return REPEAT_WORDS.flatMap((w) => range(REPEAT_MAX).map((n) => repeatPrompt(w, n + 1)));
  }
}

/** The tasks a length request draws from by default: those the model answers exactly. */
export const EXACT_TASKS: readonly ModelTaskId[] = MODEL_TASKS.filter((t) => t.exact).map((t) => t.id);

/**
 * Prompts of the exact tasks that the committed weights nevertheless answer wrongly (found by
 * `npm run eval:model -- --all`, which decodes every prompt of the exact tasks and fails on any
 * miss not listed here). A length request never returns them.
 */
// 199 -> 198 occurs only in "Count down from 199:", a held-out prompt: no training example shows that step.
export const KNOWN_MISSES: readonly string[] = ['Count down from 199:'];
const missed = new Set(KNOWN_MISSES);

/** Every distinct number of new tokens (EOS included) the given tasks can produce, ascending. */
const achievableCache = new Map<string, number[]>();

export function achievableNewTokens(tasks: readonly ModelTaskId[] = EXACT_TASKS, skip: ReadonlySet<string> = missed): number[] {
  const key = `${tasks.join(',')}|${[...skip].join('|')}`;
  if (!achievableCache.has(key)) achievableCache.set(key, computeAchievable(tasks, skip));
  return achievableCache.get(key)!.slice();
}

function computeAchievable(tasks: readonly ModelTaskId[], skip: ReadonlySet<string>): number[] {
  const set = new Set<number>();
  for (const t of tasks) {
    if (t === 'count_down' || t === 'count_from') for (let n = 1; n <= MAX_NUMBER + 1; n++) set.add(n + 1);
    if (t === 'repeat') for (let n = 1; n <= REPEAT_MAX; n++) set.add(n + 1);
    if (t === 'capital') CAPITAL_ANSWER_TOKENS.forEach((n) => set.add(n + 1));
    if (t === 'list_capitals') LIST_ANSWER_TOKENS.forEach((n) => set.add(n + 1));
  }
  return [...set].filter((n) => candidates(n, tasks, skip).length > 0).sort((a, b) => a - b);
}

const pick = <T>(xs: readonly T[], rng: () => number): T => xs[Math.min(xs.length - 1, Math.floor(rng() * xs.length))];

/** All prompts of the given tasks that produce exactly `newTokens` new tokens, grouped by task. */
function candidates(newTokens: number, tasks: readonly ModelTaskId[], skip: ReadonlySet<string> = missed): TaskPrompt[][] {
  const n = newTokens - 1; // answer tokens
  const groups: TaskPrompt[][] = [];
  const idx = (table: number[]) => table.flatMap((len, i) => (len === n ? [i] : []));
  for (const t of tasks) {
    let group: TaskPrompt[] = [];
    if (t === 'count_down' && n >= 1 && n <= MAX_NUMBER + 1) group = [countDownPrompt(n - 1)];
    if (t === 'capital') group = idx(CAPITAL_ANSWER_TOKENS).map(capitalPrompt);
    if (t === 'list_capitals') group = idx(LIST_ANSWER_TOKENS).map(listCapitalsPrompt);
    if (t === 'repeat' && n >= 1 && n <= REPEAT_MAX) group = REPEAT_WORDS.map((w) => repeatPrompt(w, n));
    if (t === 'count_from' && n >= 1 && n <= MAX_NUMBER + 1) {
      group = Array.from({ length: MAX_NUMBER + 2 - n }, (_, a) => countFromPrompt(a, a + n - 1));
    }
    group = group.filter((p) => !skip.has(p.prompt));
    if (group.length) groups.push(group);
  }
  return groups;
}

/**
 * A real prompt whose greedy answer takes `newTokens` tokens, EOS included (so `newTokens` >= 2).
 * A length no task produces exactly is replaced by the nearest one that some task does (ties: the
 * shorter); check the result's `newTokens`. `rng` returns uniforms in [0, 1): first it picks a task
 * among those that fit, then a prompt of that task. Deterministic for a deterministic rng. `skip`:
 * prompts never to return (default KNOWN_MISSES).
 */
export function taskPrompt(newTokens: number, rng: () => number, tasks: readonly ModelTaskId[] = EXACT_TASKS, skip: ReadonlySet<string> = missed): TaskPrompt {
  const lengths = achievableNewTokens(tasks, skip);
  if (lengths.length === 0) throw new Error('taskPrompt: no task given');
  let best = lengths[0];
  for (const l of lengths) if (Math.abs(l - newTokens) < Math.abs(best - newTokens)) best = l;
  return pick(pick(candidates(best, tasks, skip), rng), rng);
}

/**
 * The same as a workload prompt source (the shape of engine/serve/prompts.ts's PromptSource):
 * `answerTokens` there counts the EOS, as `newTokens` does here.
 */
export const taskPromptSource = {
  name: 'tasks',
  prompt(answerTokens: number, rng: () => number): { text: string; expectedNewTokens: number } {
    const p = taskPrompt(answerTokens, rng);
    return { text: p.prompt, expectedNewTokens: p.newTokens };
  },
};
