import { describe, expect, it } from 'vitest';
import { loadStories } from '../../tools/testing/stories260k';
import { DEFAULT_CONFIG, type RunConfig } from '../store/config';
import { EngineHost } from './host';
import type { FromWorker } from './protocol';

const config: RunConfig = { ...DEFAULT_CONFIG, backend: 'cpu', requests: 4, maxNumSeqs: 2 };

async function started() {
  const messages: FromWorker[] = [];
  const { model, tok512 } = loadStories();
  const host = new EngineHost((m) => messages.push(m), async () => ({ name: 'stories260K', model, tokenizer: tok512 }));
  await host.handle({ type: 'init', config, lanes: [{ id: 'a', strategy: 'continuous' }], model: { name: 's', checkpoint: '', tokenizer: '' } });
  const until = async (pred: () => boolean, ms = 60_000) => {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > ms) throw new Error('timed out waiting for the experiment');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { host, messages, until };
}

describe("EngineHost: Anyscale's experiment", () => {
  // The e2e test checks the page's figures against `batchscope experiment anyscale --json`.
  it('serves every cap and setup on the sim at full size, row by row', async () => {
    const { host, messages, until } = await started();
    await host.handle({ type: 'experiment', on: 'sim' });
    await until(() => messages.some((m) => m.type === 'experiment-done'));
    const setup = messages.find((m) => m.type === 'experiment-start');
    expect(setup).toMatchObject({ setup: { on: 'sim', timeSource: 'simulated', plan: { requests: 1000, caps: [32, 128, 512, 1536] } } });
    const rows = messages.flatMap((m) => (m.type === 'experiment-row' ? [m.row] : []));
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => `${r.cap} ${r.strategy} ${r.kv}`).slice(0, 3)).toEqual(['32 static contiguous', '32 continuous contiguous', '32 continuous paged']);
    expect(rows.every((r) => r.timeSource === 'simulated' && r.tokensPerSecond > 0)).toBe(true);
    expect(messages.find((m) => m.type === 'experiment-done')).toEqual({ type: 'experiment-done', cancelled: false });
  });

  it('stops between runs when cancelled, and the live run goes on afterwards', async () => {
    const { host, messages, until } = await started();
    await host.handle({ type: 'experiment', on: 'sim' });
    await until(() => messages.some((m) => m.type === 'experiment-row'));
    await host.handle({ type: 'cancel-experiment' });
    await until(() => messages.some((m) => m.type === 'experiment-done'));
    expect(messages.find((m) => m.type === 'experiment-done')).toMatchObject({ cancelled: true });
    expect(messages.filter((m) => m.type === 'experiment-row').length).toBeLessThan(12);
    await host.handle({ type: 'step' });
    expect(messages.some((m) => m.type === 'events' && m.events.length > 0)).toBe(true);
  });

  it('measures a scaled experiment on the device', async () => {
    const { host, messages, until } = await started();
    await host.handle({ type: 'experiment', on: 'device' });
    await until(() => messages.some((m) => m.type === 'experiment-row'));
    await host.handle({ type: 'cancel-experiment' });
    await until(() => messages.some((m) => m.type === 'experiment-done'));
    const setup = messages.find((m) => m.type === 'experiment-start');
    // stories260K has seq_len 512: Anyscale's setup x 0.25.
    expect(setup).toMatchObject({ setup: { on: 'device', timeSource: 'measured', plan: { scale: 0.25, promptTokens: 128, caps: [8, 32, 128, 384] } } });
    const row = messages.find((m) => m.type === 'experiment-row');
    expect(row).toMatchObject({ row: { cap: 8, strategy: 'static', timeSource: 'measured' } });
  });
});
