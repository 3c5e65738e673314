import { palettes, mix } from '../../src/theme/palette';
import { useApp } from '../../src/store/store';
import { hatchCss } from '../shared/hatch';
import { Legend } from '../shared/Legend';
import { useSharingShown } from '../shared/sharing';

/** The vLLM paper's categories: token states, reservation, internal and external fragmentation. */
export function KvLegend({ compact = false }: { compact?: boolean }) {
  const p = palettes[useApp((s) => s.theme)];
  const view = useApp((s) => s.kvView);
  // Sharing frames are explained where they can appear: prefix caching on, or several completions per request.
  const sharing = useSharingShown();
  const shared = sharing
    ? [
        { label: 'shared', style: { background: p.kvUsed, boxShadow: `inset 0 0 0 2px ${p.kvShared}` }, hint: 'Framed: read by several requests or completions (the count inside), stored once: prefix-cache hits, and prompts shared by parallel samples.' },
        { label: 'cached', style: { background: p.kvFree, outline: `1px dashed ${p.kvShared}` }, hint: 'Dashed: free memory still holding a cached prompt prefix, reused by a prompt that starts the same way, evicted least recently freed first.' },
      ]
    : [];
  if (view === 'owner') {
    return (
      <Legend
        label="KV map legend"
        items={[
          { label: 'written by a request (one hue each)', style: { background: `linear-gradient(90deg, ${p.owners[0]} 33%, ${p.owners[1]} 33% 66%, ${p.owners[2]} 66%)` } },
          { label: 'allocated, not yet written', style: { background: mix(p.owners[0], p.background, 0.65) } },
          { label: 'free', style: { background: p.kvFree } },
          ...shared,
        ]}
      />
    );
  }
  const hatched = (kind: 'reserved' | 'internal' | 'external', c: string) => ({ background: `${hatchCss(p, kind)}, ${mix(c, p.background, 0.7)}` });
  // Two more entries with sharing: the others take their short names so the key keeps its height.
  const short = compact || sharing;
  return (
    <Legend
      label="KV map legend"
      items={[
        { label: short ? 'used' : 'used: token states', style: { background: p.kvUsed }, hint: 'Slots holding a token’s keys and values.' },
        { label: 'reserved', style: hatched('reserved', p.kvReserved), hint: 'Allocated for tokens the request will still write.' },
        { label: short ? 'internal' : 'internal fragmentation', style: hatched('internal', p.kvInternal), hint: 'Allocated but never to be written: over-provisioning, or the tail of a last block.' },
        { label: short ? 'external' : 'external fragmentation', style: hatched('external', p.kvExternal), hint: 'Free, but in gaps too small for the next reservation.' },
        { label: 'free', style: { background: p.kvFree, outline: `1px solid ${p.gridLine}` } },
        ...shared,
      ]}
    />
  );
}
