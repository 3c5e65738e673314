import type { Backend } from '../backend/types';
import { GREEDY } from '../model/sampler';
import { capitalPrompt, countDownPrompt, countFromPrompt, listCapitalsPrompt, repeatPrompt, STATES, type ModelTaskId, type TaskPrompt } from '../model/tasks';
import type { Tokenizer } from '../model/tokenizer';
import type { Model } from '../model/weights';
import { blocksFor, generateAll } from '../serve/generate';

/**
 * The built-in model's held-out tasks, answered greedily by any backend (so in any number format):
 * the prompts its metadata lists (batchscope-tiny.json's eval_prompts, as tools/train/evaluate.py
 * uses them). A prompt is correct when the model says exactly the answer and then EOS.
 */
export interface ModelMeta {
  eval_prompts: Partial<Record<ModelTaskId, (string | number)[][]>>;
}

export interface TaskScore {
  correct: number;
  total: number;
}

export const TASK_KEYS: Record<ModelTaskId, string> = { capital: 'capital', count_down: 'countDown', count_from: 'countFrom', repeat: 'repeat', list_capitals: 'listCapitals' };

const stateIndex = (name: string) => STATES.findIndex(([s]) => s === name);

export function promptFromParams(task: ModelTaskId, p: (string | number)[]): TaskPrompt {
  switch (task) {
    case 'capital':
      return capitalPrompt(stateIndex(p[0] as string));
    case 'count_down':
      return countDownPrompt(p[0] as number);
    case 'count_from':
      return countFromPrompt(p[0] as number, p[1] as number);
    case 'repeat':
      return repeatPrompt(p[0] as string, p[1] as number);
    case 'list_capitals':
      return listCapitalsPrompt(stateIndex(p[0] as string));
  }
}

/** A backend for a pool of `numBlocks` blocks of 16 positions, in the formats being evaluated. */
export type BackendFactory = (numBlocks: number, blockSize: number) => Promise<Backend>;

export interface Answer {
  prompt: string;
  generated: string;
  correct: boolean;
}

/** Greedy answers, `batch` prompts per ragged run; `slack` extra positions show a model that runs past its answer. */
export async function answerPrompts(make: BackendFactory, model: Model, tokenizer: Tokenizer, prompts: readonly TaskPrompt[], batch = 64, slack = 16): Promise<Answer[]> {
  const out: Answer[] = [];
  const blockSize = 16;
  for (let i = 0; i < prompts.length; i += batch) {
    const chunk = prompts.slice(i, i + batch);
    const reqs = chunk.map((p) => {
      const prompt = tokenizer.encode(p.prompt, { bos: true });
      return { prompt, steps: Math.min(model.config.seqLen, prompt.length + p.newTokens + slack), sampling: GREEDY };
    });
    const backend = await make(reqs.reduce((n, r) => n + blocksFor(r.steps, blockSize), 0), blockSize);
    try {
      const results = await generateAll(backend, reqs);
      chunk.forEach((p, k) => {
        const r = results[k];
        const generated = tokenizer.decode(r.tokens, reqs[k].prompt[reqs[k].prompt.length - 1]);
        out.push({ prompt: p.prompt, generated, correct: r.stop === 'eos' && r.tokens.length === p.answerTokens && generated === p.answer });
      });
    } finally {
      backend.dispose();
    }
  }
  return out;
}

/** Every task the metadata lists: its score and the prompts it missed. */
export async function evalTasks(make: BackendFactory, model: Model, tokenizer: Tokenizer, meta: ModelMeta): Promise<Record<string, TaskScore & { missed: Answer[] }>> {
  const out: Record<string, TaskScore & { missed: Answer[] }> = {};
  for (const task of Object.keys(TASK_KEYS) as ModelTaskId[]) {
    const params = meta.eval_prompts[task];
    if (!params?.length) continue;
    const answers = await answerPrompts(make, model, tokenizer, params.map((p) => promptFromParams(task, p)));
    out[TASK_KEYS[task]] = { correct: answers.filter((a) => a.correct).length, total: answers.length, missed: answers.filter((a) => !a.correct) };
  }
  return out;
}
