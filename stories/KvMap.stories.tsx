import type { Meta, StoryObj } from '@storybook/react-vite';
import { KvMap } from '../components/KvMap/KvMap';
import type { RecordedRun } from '../src/run/types';
import { FIXTURES } from './fixtures';
import { Harness } from './harness';

/** The first `n` iterations of a run: the map shows the pool after the last one. */
const upTo = (run: RecordedRun, n: number): RecordedRun => ({ ...run, events: run.events.slice(0, n) });

const meta = {
  title: 'Views/KvMap',
  component: KvMap,
  args: { lane: 'a' },
} satisfies Meta<typeof KvMap>;
export default meta;
type Story = StoryObj<typeof meta>;

const box = { width: 300, height: 260 };

export const Paged: Story = {
  render: (args) => (
    <Harness runs={{ a: upTo(FIXTURES.continuousPaged, 20) }} size={box}>
      <KvMap {...args} />
    </Harness>
  ),
};

export const ContiguousFragmentation: Story = {
  render: (args) => (
    <Harness runs={{ a: upTo(FIXTURES.continuousContiguous, 40) }} size={box}>
      <KvMap {...args} />
    </Harness>
  ),
};

export const ByOwner: Story = {
  render: (args) => (
    <Harness runs={{ a: upTo(FIXTURES.continuousPaged, 20) }} ui={{ kvView: 'owner' }} size={box}>
      <KvMap {...args} />
    </Harness>
  ),
};

export const NearlyFull: Story = {
  render: (args) => (
    <Harness runs={{ a: upTo(FIXTURES.continuousTightKv, 30) }} size={box}>
      <KvMap {...args} />
    </Harness>
  ),
};

export const Dark: Story = {
  render: (args) => (
    <Harness runs={{ a: upTo(FIXTURES.continuousContiguous, 40) }} theme="dark" size={box}>
      <KvMap {...args} />
    </Harness>
  ),
};
