import type { ModelConfig } from '../../engine/model/config';
import { kvBytesPerToken } from '../../engine/model/quant/formats';
import type { RunConfig } from '../store/config';

/**
 * Compare mode's number-format comparisons: two runs of the same workload that differ only in the
 * weights' format, the KV cache's format, or the attention path. Written in the shape compare-by-
 * setting takes (issue 11: a side is the settings it overrides and what the page calls it; the
 * baseline first, the lesson's improvement second, their ratio second over first), so each axis
 * plugs in as one more case.
 */
export type FormatAxis = 'weights' | 'kvDtype' | 'attention';

export const FORMAT_AXES: readonly { axis: FormatAxis; label: string }[] = [
  { axis: 'weights', label: 'weight format' },
  { axis: 'kvDtype', label: 'KV cache format' },
  { axis: 'attention', label: 'attention path' },
];

export interface FormatSide {
  patch: Partial<RunConfig>;
  label: string;
}

/** The CPU engine has one attention path: it cannot compare fused with unfused. */
export const formatAxisAvailable = (axis: FormatAxis, c: RunConfig): boolean => !(axis === 'attention' && c.backend === 'cpu');

/**
 * The KV budget both sides of a KV-format comparison get, in MiB: the configured one, else what the
 * configured capacity takes in float32, so the float32 side holds exactly the configured tokens and
 * the other side holds what the same memory buys in its format (the lesson: more tokens, more requests).
 */
export function comparisonBudgetMib(c: RunConfig, model: ModelConfig): number {
  if (c.kvMemoryMib > 0) return c.kvMemoryMib;
  return Math.round(((c.kvCapacity * kvBytesPerToken(model, 'f32')) / 2 ** 20) * 100) / 100;
}

export function formatSides(axis: FormatAxis, c: RunConfig, model?: ModelConfig): [FormatSide, FormatSide] {
  const sim = c.backend === 'sim';
  const full = sim ? 'fp16' : 'f32';
  switch (axis) {
    case 'weights':
      return [
        { patch: { weights: 'f32' }, label: `${full} weights` },
        { patch: { weights: 'int8' }, label: 'int8 weights (Q8_0)' },
      ];
    case 'kvDtype': {
      // The simulator's pool is what its GPU holds after the weights: the budget is the GPU's memory.
      if (sim || !model) {
        return [
          { patch: { kvDtype: 'f32' }, label: `${full} KV cache` },
          { patch: { kvDtype: 'int8' }, label: 'int8 KV cache' },
        ];
      }
      const mib = comparisonBudgetMib(c, model);
      return [
        { patch: { kvDtype: 'f32', kvMemoryMib: mib }, label: `f32 KV in ${mib} MiB` },
        { patch: { kvDtype: 'int8', kvMemoryMib: mib }, label: `int8 KV in ${mib} MiB` },
      ];
    }
    case 'attention':
      return [
        { patch: { attention: 'unfused' }, label: 'Unfused attention (score matrix in memory)' },
        { patch: { attention: 'fused' }, label: 'Fused attention (online softmax)' },
      ];
  }
}
