import type { KvPool } from './pool';

export type KvManagerKind = 'paged' | 'contiguous';
export const KV_MANAGERS: readonly KvManagerKind[] = ['paged', 'contiguous'];

/**
 * How a KV manager hands out blocks of the shared pool. Both policies work on the same pool and
 * leave nothing taken when they fail, so a scheduler can try an admission and move on.
 */
export interface KvPolicy {
  readonly kind: KvManagerKind;
  /**
   * Gives a newly admitted request its initial hold. `maxPositions` is the most positions it can
   * ever need (prompt + max_new_tokens - 1); `expected` what it is expected to need.
   */
  admit(pool: KvPool, id: number, maxPositions: number, expected: number): boolean;
  /** Makes room for `positions` positions of an admitted request. */
  grow(pool: KvPool, id: number, positions: number): boolean;
  /** Free token slots the next waiting request could not use, given the positions it would ask for. */
  external(pool: KvPool, nextNeed: number | null): number;
}

/** Positions a request reserves under contiguous allocation, and at most ever holds. */
export const maxPositions = (promptTokens: number, maxNewTokens: number): number => promptTokens + maxNewTokens - 1;
