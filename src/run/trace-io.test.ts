import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main';
import { ServingEngine } from '../../engine/serve/engine';
import { HASH_VOCAB, HashBackend } from '../../engine/serve/testing/hash-backend';
import { drain, testRequest } from '../../engine/serve/testing/requests';
import { storiesPath } from '../../tools/testing/stories260k';
import { RunLog } from './run-log';
import { exportTrace, importTrace } from './trace-io';
import type { RecordedRun } from './types';

/** A lane's log as the app fills it: full vocabulary, request metas, then events. */
async function appLog(): Promise<RunLog> {
  const requests = [0, 1, 2].map((id) => testRequest(id, 4, 8, { stopAfter: 3 + id }));
  const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 8, blockSize: 4 }), requests, strategy: 'continuous', knobs: { maxNumSeqs: 2 } });
  const events = await drain(engine);
  const log = new RunLog();
  log.setVocab(Array.from({ length: HASH_VOCAB }, (_, id) => ` w${id}`));
  log.addRequests(requests.map((r) => ({ id: r.id, arrivalMs: r.arrivalMs, prompt: r.prompt, promptText: `prompt ${r.id}`, maxNewTokens: r.maxNewTokens })));
  log.append(events);
  return log;
}

/** What a replay does with an imported run (ReplaySource fills its lane's log the same way). */
function replayLog(run: RecordedRun): RunLog {
  const log = new RunLog();
  log.setVocab(run.vocab);
  log.addRequests(run.requests);
  log.append(run.events);
  return log;
}

/** Every token id of the run's prompts and outputs. */
const usedIds = (log: RunLog) => new Set([...log.requests.values()].flatMap((t) => [...(t.meta?.prompt ?? []), ...t.output]));

const payloadOf = (text: string) => JSON.parse(text) as { batchscope: { runs: Record<string, unknown>[] } };

describe('trace export -> import', () => {
  it('keeps the model name, the prompts and the text of every token the run uses, and only those', async () => {
    const log = await appLog();
    const [run] = importTrace(exportTrace([{ name: 'continuous batching', log, backend: 'cpu', modelName: 'stories260K' }]), 'run.json');
    expect(run.modelName).toBe('stories260K');
    const back = replayLog(run);
    const ids = usedIds(log);
    expect(Object.keys(run.vocab).map(Number).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    for (const id of ids) {
      expect(back.tokenText(id)).toBe(log.tokenText(id));
      expect(back.tokenText(id)).not.toBe(`#${id}`);
    }
    for (const [id, t] of log.requests) {
      const b = back.requests.get(id)!;
      expect(b.meta).toMatchObject({ prompt: t.meta!.prompt, promptText: `prompt ${id}` });
      expect(back.text(b.meta!.prompt)).toBe(log.text(t.meta!.prompt));
      expect(back.text(b.output)).toBe(log.text(t.output));
    }
    expect(back.records()).toEqual(log.records());
  });

  it('gives a simulated run no vocab: its placeholder tokens have no text', async () => {
    const [run] = importTrace(exportTrace([{ name: 'sim', log: await appLog(), backend: 'sim' }]), 'sim.json');
    expect(run.vocab).toEqual({});
    expect(run.requests[0].promptText).toBe('prompt 0');
  });

  it('still imports a trace written before model name, prompts and vocab existed', async () => {
    const log = await appLog();
    const payload = payloadOf(exportTrace([{ name: 'continuous batching', log, backend: 'cpu', modelName: 'm' }]));
    for (const r of payload.batchscope.runs) {
      expect(r).toHaveProperty('vocab');
      delete r.modelName;
      delete r.vocab;
      delete r.prompts;
    }
    const [run] = importTrace(JSON.stringify(payload), 'old.json');
    expect(run.modelName).toBe(run.label);
    expect(run.vocab).toEqual({});
    expect(run.requests.map((r) => r.prompt)).toEqual([[], [], []]);
    expect(run.events).toHaveLength(log.events.length);
  });

  it('refuses a malformed vocab, prompt or model name with a bad-trace error', async () => {
    const payload = payloadOf(exportTrace([{ name: 'c', log: await appLog(), backend: 'cpu' }]));
    const good = payload.batchscope.runs[0];
    const withRun = (patch: Record<string, unknown>) => JSON.stringify({ batchscope: { ...payload.batchscope, runs: [{ ...good, ...patch }] } });
    expect(() => importTrace(withRun({}), 't.json')).not.toThrow();
    for (const patch of [
      { vocab: ['a', 'b'] },
      { vocab: 'words' },
      { vocab: { x: 'a' } },
      { vocab: { '-1': 'a' } },
      { vocab: { '1.5': 'a' } },
      { vocab: { 3: 5 } },
      { prompts: [{ id: 0, prompt: [1, 2.5] }] },
      { prompts: [{ id: 0, prompt: 'hi' }] },
      { prompts: [{ id: 0, prompt: [1], promptText: 4 }] },
      { prompts: {} },
      { modelName: 7 },
    ]) {
      expect(() => importTrace(withRun(patch), 't.json'), JSON.stringify(patch)).toThrow(expect.objectContaining({ code: 'bad-trace' }));
    }
  });

  it('replays a `batchscope run --trace` file with its prompts and token text', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bs-trace-')), 't.json');
    const model = ['--model', storiesPath('stories260K.bin'), '--tokenizer', storiesPath('tok512.bin')];
    const code = await main(['run', '--workload', 'poisson', '--requests', '4', '--json', ...model, '--trace', file], { out: () => {}, err: () => {} });
    expect(code).toBe(0);
    const [run] = importTrace(readFileSync(file, 'utf8'), 't.json');
    expect(run.modelName).toBe('stories260K');
    const back = replayLog(run);
    const ids = usedIds(back);
    expect(ids.size).toBeGreaterThan(5);
    for (const id of ids) expect(back.tokenText(id)).not.toBe(`#${id}`);
    for (const r of run.requests) expect(r.promptText?.length).toBeGreaterThan(0);
  });

  it('writes no vocab for a `batchscope run --backend sim` trace, even with a tokenizer for its text prompts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bs-trace-')), 's.json');
    const code = await main(['run', '--backend', 'sim', '--prompts', 'tasks', '--workload', 'uniform', '--requests', '3', '--json', '--trace', file], { out: () => {}, err: () => {} });
    expect(code).toBe(0);
    const [run] = payloadOf(readFileSync(file, 'utf8')).batchscope.runs;
    expect(run).not.toHaveProperty('vocab');
    expect(run.modelName).toMatch(/simulated/);
    expect(run.prompts).toHaveLength(3);
  });
});
