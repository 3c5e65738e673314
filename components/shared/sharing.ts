import { useApp } from '../../src/store/store';

/**
 * Whether the views' keys explain the sharing marks (shared and cached KV blocks, prompt tokens
 * from the cache): wherever they can appear. That is prefix caching on, several completions per
 * request, or a comparison of caching off vs on, whose "on" lane has them while the configuration
 * itself still says off.
 */
export const useSharingShown = (): boolean =>
  useApp((s) => s.config.prefixCaching || s.config.completions > 1 || s.config.workload === 'parallel-sampling' || (s.compare && s.compareBy === 'prefixCaching'));
