import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../engine/model/config';
import { expectedExpertStep, expertStep } from '../../engine/serve/experts';
import type { RecordedRun } from '../../src/run/types';
import { FIXTURES } from '../../stories/fixtures';
import { LiveNumbers } from '../Metrics/LiveNumbers';
import { loadRuns, renderWithStore } from '../shared/testing';
import { ExpertStrip } from './ExpertStrip';

const moe: ModelConfig = { dim: 8, hiddenDim: 4, nLayers: 2, nHeads: 2, nKvHeads: 1, vocabSize: 16, seqLen: 32, sharedClassifier: true, moe: { nExperts: 4, topK: 2 } };
const wait = () => act(() => new Promise((r) => setTimeout(r, 250)));

/** A recorded dense run with a routing record added to each iteration: expert (i mod 4) takes most tokens. */
function withRouting(run: RecordedRun): RecordedRun {
  return { ...run, events: run.events.map((e, i) => ({ ...e, experts: expertStep(moe, Int32Array.from([3, 1, 0, 0, 0, 0, 2, 2].map((v, j) => (j % 4 === i % 4 ? v + 4 : v)))) })) };
}

describe('ExpertStrip', () => {
  it('stays hidden for a dense run (no routing records)', () => {
    const { store } = renderWithStore(<ExpertStrip lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    expect(screen.getByTestId('expert-strip').hidden).toBe(true);
  });

  it('appears for an MoE run, says where its routing comes from, and numbers iterations from 1 as the grid does', async () => {
    const run = withRouting(FIXTURES.continuousPaged);
    const { store } = renderWithStore(<ExpertStrip lane="a" />);
    act(() => loadRuns(store, { a: run }));
    await wait();
    expect(screen.getByTestId('expert-strip').hidden).toBe(false);
    expect(screen.getByTestId('strip-clock').textContent).toBe('recorded');
    expect(screen.getByTestId('strip-run').textContent).toMatch(/^run: \d\.\d of 4 per layer, max\/mean \d\.\d\d$/);
    expect(screen.getByText(new RegExp(`^Iteration ${run.events.length}: \\d of 4 experts ran \\(all layers\\)`))).toBeTruthy();
    act(() => store.getState().setLane('a', { source: 'live' }));
    await wait();
    expect(screen.getByTestId('strip-clock').textContent).toBe('measured');
  });

  it("stays hidden for a simulated MoE (the cost model routes nothing), while Numbers marks its expert figures expected", async () => {
    const sim = FIXTURES.continuousPaged;
    const run = { ...sim, events: sim.events.map((e) => ({ ...e, timeSource: 'simulated' as const, experts: expectedExpertStep(moe, 3, 2) })) };
    const { store } = renderWithStore(
      <>
        <ExpertStrip lane="a" />
        <LiveNumbers lane="a" />
      </>,
    );
    act(() => loadRuns(store, { a: run }));
    await wait();
    expect(screen.getByTestId('expert-strip').hidden).toBe(true);
    expect(screen.getByTestId('experts-touched-note').textContent).toMatch(/^expected \(even routing\): \d+ KiB of expert weights per iteration$/);
    expect(screen.getByTestId('expert-imbalance').textContent).toBe('—');
    expect(screen.getByTestId('expert-imbalance-note').textContent).toMatch(/not simulated/);
  });
});
