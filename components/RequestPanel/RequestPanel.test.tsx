import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RunLog } from '../../src/run/run-log';
import { FIXTURES } from '../../stories/fixtures';
import { loadRuns, renderWithStore } from '../shared/testing';
import { describeRequest } from './describe';
import { RequestPanel } from './RequestPanel';

describe('RequestPanel', () => {
  it('shows nothing until a request is selected, then its prompt, its text and its facts', async () => {
    const { store } = renderWithStore(<RequestPanel lane="a" />);
    expect(screen.queryByTestId('request-panel')).toBeNull();
    act(() => {
      loadRuns(store, { a: FIXTURES.continuousPaged });
      store.getState().setUi({ selected: 2 });
    });
    const panel = screen.getByTestId('request-panel');
    expect(panel.textContent).toContain('Request R2');
    expect(panel.textContent).toContain(FIXTURES.continuousPaged.requests[2].promptText!.slice(0, 20));
    expect(panel.textContent).toMatch(/finished/);
    expect(panel.textContent).toMatch(/first token after/);
  });

  it('describes a request from the log alone', () => {
    const log = new RunLog();
    const run = FIXTURES.continuousPaged;
    log.setVocab(run.vocab);
    log.addRequests(run.requests);
    log.append(run.events);
    const v = describeRequest(log, 0)!;
    expect(v.output.length).toBeGreaterThan(0);
    expect(v.facts[0]).toMatch(/^slot S\d/);
    expect(describeRequest(log, 999)).toBeNull();
  });

  it('gives a request still waiting its wait so far, not a time to first token', () => {
    const log = new RunLog();
    const run = FIXTURES.staticPaged;
    log.addRequests(run.requests);
    log.append(run.events.slice(0, 3));
    const waiting = [...log.requests.values()].find((r) => r.firstTokenMs === undefined)!;
    const now = log.lastEvent!.endMs;
    expect(describeRequest(log, waiting.id)!.facts).toContain(`no token yet: waiting ${now >= 100 ? now.toFixed(0) : now.toFixed(1)} ms so far`);
  });

  it('says a simulated request has no text instead of printing placeholder tokens', () => {
    const log = new RunLog();
    const run = FIXTURES.continuousPaged;
    log.setVocab(run.vocab);
    log.addRequests(run.requests);
    log.append(run.events.map((e) => ({ ...e, timeSource: 'simulated' as const, slots: e.slots.map((s) => ({ ...s, outputToken: s.outputToken >= 0 ? 0 : -1 })) })));
    const v = describeRequest(log, 0)!;
    expect(v.output).not.toMatch(/unk/);
    expect(v.output).toMatch(/^ \[\d+ simulated tokens: the cost model computes no text\]$/);
    expect(v.prompt).toBe(run.requests[0].promptText);
  });
});
