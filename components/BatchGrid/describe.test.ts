import { describe, expect, it } from 'vitest';
import type { IterationEvent } from '../../engine/serve/events';
import { RunLog } from '../../src/run/run-log';
import { FIXTURES } from '../../stories/fixtures';
import { describeCell } from './describe';
import { GridLayout } from './layout';

function logOf(events: IterationEvent[]): RunLog {
  const run = FIXTURES.continuousPaged;
  const log = new RunLog();
  log.setVocab(run.vocab);
  log.addRequests(run.requests);
  log.append(events);
  return log;
}

/** The first decode cell of the run. */
function decodeCell(log: RunLog) {
  const layout = GridLayout.from('iterations', log.events);
  const col = log.events.findIndex((e) => e.slots[0]?.kind === 'decode');
  return layout.hit(0, col)!;
}

describe('describeCell', () => {
  it('quotes the generated token and the measured step time', () => {
    const log = logOf(FIXTURES.continuousPaged.events);
    const d = describeCell(log, decodeCell(log))!;
    expect(d.lines.join('\n')).toMatch(/generated token “.+” at position \d+/);
    expect(d.lines.at(-1)).toMatch(/ms measured/);
  });

  it('gives no text for a simulated token: the cost model computes none', () => {
    // The sim backend reports a placeholder token id (0, "<unk>" in the vocabulary).
    const sim = FIXTURES.continuousPaged.events.map((e) => ({ ...e, timeSource: 'simulated' as const, slots: e.slots.map((s) => ({ ...s, outputToken: s.outputToken >= 0 ? 0 : -1 })) }));
    const log = logOf(sim);
    const text = describeCell(log, decodeCell(log))!.lines.join('\n');
    expect(text).not.toMatch(/unk|“/);
    expect(text).toMatch(/generated token at position \d+ \(simulated: no text\)/);
    expect(text).toMatch(/ms simulated/);
  });
});
