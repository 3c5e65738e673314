import type { Tokenizer } from '../model/tokenizer';

/**
 * Where a workload's prompts come from. A source that controls length (the built-in model's
 * tasks: "Count down from 45:" is answered by 46 numbers then EOS) lets the model end each answer
 * itself; one that does not (story openings) gets its length forced, EOS ignored, as Anyscale's
 * benchmark forced max_tokens.
 */
export interface PromptSource {
  readonly name: string;
  /**
   * A prompt whose answer should take `answerTokens` tokens (EOS included). `promptTokens`, when
   * given, is the prompt length a source that can choose it should aim for (BOS included).
   */
  prompt(answerTokens: number, rng: () => number, promptTokens?: number): SourcedPrompt;
  /** The same source with one shared system prompt of `tokens` tokens (BOS included) before every prompt, when it can make one. */
  withSharedPrefix?(tokens: number): PromptSource;
}

export type SourcedPrompt =
  /** Text, and when the source controls length, the answer length (EOS included) the model will give. */
  | { text: string; tokens?: number[]; expectedNewTokens?: number }
  /** No text at all: a simulated model only needs the length (and how many leading tokens all prompts share). */
  | { length: number; prefix?: number };

/** TinyStories-style openings (written for this project) for models without a task helper. */
export const STORY_OPENINGS: readonly string[] = [
  'Once upon a time, there was a little girl named Lily.',
  'One day, a small dog found a red ball in the park.',
  'Tom and his mom went to the shop to buy some milk.',
  'There was a big tree near the river, and a bird lived in it.',
  'Sam wanted to fly his kite, but the wind was too weak.',
  'A little cat sat by the window and watched the rain.',
  'Anna had a box of crayons and a very big piece of paper.',
  'The sun was hot, so Ben and Sue went to swim in the lake.',
  'Once there was a brave knight who was afraid of the dark.',
  'Mia found a shiny stone in the garden and showed it to her dad.',
  'A happy frog jumped from one leaf to another.',
  'Max had a toy car that could go very fast.',
  'The old man smiled and gave the boy a small wooden boat.',
  'It was a cold day, and the snow was soft and white.',
  'Lucy and her friend built a tall tower with blocks.',
  'A tiny mouse lived in a hole under the kitchen floor.',
];

/**
 * Story openings: picked at random, and with a tokenizer cut or extended (by joining openings)
 * to exactly the requested prompt length.
 */
export function storyPrompts(tokenizer: Tokenizer | null): PromptSource {
  const source: PromptSource = {
    name: 'stories',
    prompt(_answerTokens, rng, promptTokens) {
      const pick = () => STORY_OPENINGS[Math.floor(rng() * STORY_OPENINGS.length)];
      let text = pick();
      if (!tokenizer || promptTokens === undefined) return { text };
      let tokens = tokenizer.encode(text);
      while (tokens.length < promptTokens) tokens = tokenizer.encode((text = `${text} ${pick()}`));
      tokens = tokens.slice(0, Math.max(1, promptTokens));
      return { text: tokenizer.decode(tokens.slice(1), tokens[0]), tokens };
    },
  };
  if (tokenizer) {
    // The openings in order, cut to the prefix's length: the same tokens before every request's own prompt.
    source.withSharedPrefix = (prefixTokens) => {
      let text = '';
      let prefix = [1];
      for (let i = 0; prefix.length < prefixTokens; i++) prefix = tokenizer.encode((text = `${text}${i ? ' ' : ''}${STORY_OPENINGS[i % STORY_OPENINGS.length]}`));
      prefix = prefix.slice(0, Math.max(1, prefixTokens));
      return {
        name: 'stories after a shared prefix',
        prompt(answerTokens, rng, promptTokens) {
          const own = source.prompt(answerTokens, rng, promptTokens) as { tokens: number[] };
          const tokens = [...prefix, ...(own.tokens ?? tokenizer.encode((own as unknown as { text: string }).text)).slice(1)];
          return { text: tokenizer.decode(tokens.slice(1), tokens[0]), tokens };
        },
      };
    };
  }
  return source;
}

/** Prompt lengths only, for simulated models that have no tokenizer. */
export const lengthOnlyPrompts: PromptSource = {
  name: 'lengths',
  prompt(_answerTokens, _rng, promptTokens) {
    return { length: promptTokens ?? 1 };
  },
};
