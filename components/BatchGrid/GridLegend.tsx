import { palettes } from '../../src/theme/palette';
import type { LaneId } from '../../src/store/slices';
import { useApp } from '../../src/store/store';
import { hatchCss, type HatchKind } from '../shared/hatch';
import { Legend, type LegendItem } from '../shared/Legend';
import { useSharingShown } from '../shared/sharing';
import { cachedFill, endSwatch, prefillSwatch } from './draw';

/** The grid's key, in Anyscale's colours, with every kind of idle slot told apart by its hatching. */
export function GridLegend({ lane, compact = false }: { lane: LaneId; compact?: boolean }) {
  const p = palettes[useApp((s) => s.theme)];
  // Continuous batching frees a finished slot at once; the key says so rather than list a colour
  // that a continuous run never shows (a live switch from static can still leave some behind).
  const staticOnly = useApp((s) => s.lanes[lane].strategy) !== 'static';
  const idle = (kind: HatchKind) => ({ background: `${hatchCss(p, kind)}, ${p.idle}` });
  // Shown where such cells can appear: prefix caching on, or several completions sharing a prompt.
  const sharing = useSharingShown();
  const items: LegendItem[] = [
    { label: 'prompt (prefill)', style: { background: prefillSwatch(p) } },
    ...(sharing
      ? [{ label: compact ? 'prompt from cache' : 'prompt from the cache (no compute)', style: { background: cachedFill(p), boxShadow: `inset 0 0 0 1px ${p.prefill}` }, hint: 'Prompt positions a request got without computing them: from the prefix cache, or shared with its first completion. Drawn in token columns; in iteration columns they take no cell, since no step computed them.' }]
      : []),
    { label: 'generated (decode)', style: { background: p.decode } },
    { label: 'end of sequence', style: { background: endSwatch(p) } },
    // One colour per kind for every request: where a new request takes the slot, a gap says so.
    { label: compact ? 'next request' : 'gap: next request in the slot', style: { background: `linear-gradient(90deg, ${p.end} 0 42%, ${p.background} 42% 58%, ${p.prefill} 58%)` } },
    { label: compact ? 'idle: finished' : staticOnly ? 'idle: finished (static batching only)' : 'idle: finished, held by static batch', style: idle('finished') },
    { label: compact ? 'empty' : 'idle: empty slot', style: idle('empty') },
    { label: 'stalled', style: idle('stalled') },
    { label: 'preempted', style: idle('preempted') },
  ];
  return (
    <>
      <Legend items={items} label="Grid legend" />
      {!compact && <p className="fineprint presenter-hidden">Hover a cell for its token and step time · click to follow a request · with focus: arrows inspect, +/− zoom, End follows.</p>}
    </>
  );
}
