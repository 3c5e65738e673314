import { builtInModel } from '../../engine/model/builtin';
import type { RunConfig } from '../store/config';

/**
 * The app's side of the one refused pair (engine/model/quant/formats.ts, weightsProblem): a real
 * mixture-of-experts model with int8 weights. The expert kernels read float32, so the app never
 * offers the pair: the weights select shows f32 only for an MoE, and any way into the pair (the
 * model picker, a backend switch, a link) lands on f32 weights with this notice.
 */
export const isMoeModel = (name: string): boolean => builtInModel(name)?.moe ?? false;

/** The simulator's models are its presets (it runs MoE presets in int8 as a cost model), so only real engines are concerned. */
export const moeInt8 = (c: Pick<RunConfig, 'backend' | 'model' | 'weights'>): boolean => c.backend !== 'sim' && c.weights === 'int8' && isMoeModel(c.model);

export const moeInt8Notice = (model: string): string => `int8 weights are not available for ${model} (a mixture of experts: its expert kernels read float32), so f32 weights are used`;

/** The config with the refused pair resolved to f32 weights, and the notice saying so (null when nothing changed). */
export function withoutMoeInt8(c: RunConfig): { config: RunConfig; notice: string | null } {
  return moeInt8(c) ? { config: { ...c, weights: 'f32' }, notice: moeInt8Notice(c.model) } : { config: c, notice: null };
}
