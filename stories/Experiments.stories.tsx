import type { Meta, StoryObj } from '@storybook/react-vite';
import { useLayoutEffect } from 'react';
import { ExperimentsView } from '../components/Experiments/ExperimentsView';
import { useAppStore } from '../src/store/store';
import { ANYSCALE_SIM, FIXTURES } from './fixtures';
import { Harness } from './harness';

const meta = {
  title: 'Views/Experiments',
  component: ExperimentsView,
} satisfies Meta<typeof ExperimentsView>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Puts `rows` of Anyscale's experiment (the sim at full size, recorded by tools/fixtures/record.ts) in the store. */
function WithRows({ rows, running = false }: { rows: number; running?: boolean }) {
  const store = useAppStore();
  useLayoutEffect(() => store.getState().setExperiment({ running, setup: ANYSCALE_SIM.setup, rows: ANYSCALE_SIM.rows.slice(0, rows), error: null }), [store, rows, running]);
  return <ExperimentsView />;
}

/** Every cap served: Anyscale's chart redrawn, ratios to static growing with the cap. */
export const Simulated: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} size={{ width: 1040, height: 640 }}>
      <WithRows rows={12} />
    </Harness>
  ),
};

/** Mid-experiment: the caps not served yet keep their place, the status counts the runs. */
export const Running: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} size={{ width: 1040, height: 640 }}>
      <WithRows rows={5} running />
    </Harness>
  ),
};

export const Dark: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} theme="dark" size={{ width: 1040, height: 640 }}>
      <WithRows rows={12} />
    </Harness>
  ),
};
