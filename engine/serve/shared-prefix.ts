import { BatchscopeError } from '../errors';
import { nearestPreamble, preambleTaskSource } from '../model/preambles';
import type { PromptSource } from './prompts';

/**
 * A prompt source whose every prompt starts with one shared "system prompt" of about `tokens`
 * tokens (BOS included), the scenario automatic prefix caching serves. The built-in model's tasks
 * use the trained preamble nearest that length (its answers stay right after it); length-only
 * prompts (simulated models) get exactly `tokens` common tokens before each request's own; a
 * source that can make its own (story openings) does.
 */
export function withSharedPrefix(source: PromptSource, tokens: number): PromptSource {
  if (source.withSharedPrefix) return source.withSharedPrefix(tokens);
  if (source.name === 'tasks') return preambleTaskSource(nearestPreamble(tokens));
  if (source.name === 'lengths') {
    return { name: 'lengths', prompt: (_answer, _rng, own) => ({ length: tokens + (own ?? 1), prefix: tokens }) };
  }
  throw new BatchscopeError('bad-argument', `the "${source.name}" prompts have no shared system prompt`);
}
