import type { RunConfig } from '../store/config';
import type { RecordedRuns } from './types';

/** One scene of the first-visit demo: a recorded run and the line that says what to look at. */
export interface DemoScene {
  recording: keyof RecordedRuns;
  strategy: RunConfig['strategy'];
  kv: RunConfig['kv'];
  title: string;
  caption: string;
}

/**
 * The demo's story, each scene a real run of the default workload recorded on the CPU engine
 * (tools/fixtures/record.ts): static batching idles, continuous batching refills but contiguous
 * reservations cap the batch, paged KV lets every slot run.
 */
export const DEMO_STORY: readonly DemoScene[] = [
  {
    recording: 'static',
    strategy: 'static',
    kv: 'paged',
    title: 'static batching',
    caption: 'Each batch runs until its longest answer ends: the hatched cells after each red END are slots doing nothing.',
  },
  {
    recording: 'contiguous',
    strategy: 'continuous',
    kv: 'contiguous',
    title: 'continuous batching, contiguous KV',
    caption: 'Finished slots refill at once, but each request reserves its longest possible answer: the KV map is mostly reserved and unused, and only 3 of the 8 slots fit.',
  },
  {
    recording: 'continuous',
    strategy: 'continuous',
    kv: 'paged',
    title: 'continuous batching, paged KV',
    caption: 'KV blocks are handed out as tokens arrive: all 8 slots run, and almost none of the memory in use is waste.',
  },
];

/** The scene that shows what the settings would run. */
export function sceneFor(c: Pick<RunConfig, 'strategy' | 'kv'>): number {
  if (c.strategy === 'static') return 0;
  return c.kv === 'contiguous' ? 1 : 2;
}

/** The scene after `i` whose recording exists (an older demo file has no contiguous run). */
export function nextScene(i: number, runs: Partial<RecordedRuns>): number {
  for (let k = 1; k <= DEMO_STORY.length; k++) {
    const j = (i + k) % DEMO_STORY.length;
    if (runs[DEMO_STORY[j].recording]) return j;
  }
  return i;
}
