import type { Meta, StoryObj } from '@storybook/react-vite';
import { BatchGrid } from '../components/BatchGrid/BatchGrid';
import type { RecordedRun } from '../src/run/types';
import { FIXTURES } from './fixtures';
import { anyscaleContinuous, anyscaleStatic } from './fixtures/hand-made';
import { Harness } from './harness';

/** Anyscale's toy figures, rebuilt as runs (hand-made, not measured: they reproduce the drawings). */
const figure = (events: RecordedRun['events'], label: string): RecordedRun => ({
  version: 1,
  label,
  backend: { kind: 'cpu', description: "hand-made after Anyscale's figure" },
  modelName: 'toy',
  vocab: {},
  requests: [],
  events,
});

const meta = {
  title: 'Views/BatchGrid',
  component: BatchGrid,
  args: { lane: 'a' },
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof BatchGrid>;
export default meta;
type Story = StoryObj<typeof meta>;

const box = { height: 380, padding: 8 };

export const Continuous: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} size={box}>
      <BatchGrid {...args} title="Continuous batching (recorded)" />
    </Harness>
  ),
};

export const Static: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.staticPaged }} size={box}>
      <BatchGrid {...args} title="Static batching (recorded): idle slots after each END" />
    </Harness>
  ),
};

export const TokenColumns: Story = {
  name: 'Token positions T1..Tn',
  render: (args) => (
    <Harness runs={{ a: FIXTURES.staticPaged }} ui={{ gridMode: 'tokens' }} size={box}>
      <BatchGrid {...args} />
    </Harness>
  ),
};

export const AnyscaleStaticFigure: Story = {
  render: (args) => (
    <Harness runs={{ a: figure(anyscaleStatic(), 'static') }} ui={{ gridMode: 'tokens' }} size={{ ...box, height: 240 }}>
      <BatchGrid {...args} title="Anyscale's static batching figure" />
    </Harness>
  ),
};

export const AnyscaleContinuousFigure: Story = {
  render: (args) => (
    <Harness runs={{ a: figure(anyscaleContinuous(), 'continuous') }} ui={{ gridMode: 'tokens' }} size={{ ...box, height: 240 }}>
      <BatchGrid {...args} title="Anyscale's continuous batching figure" />
    </Harness>
  ),
};

export const Preemption: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.continuousTightKv }} size={box}>
      <BatchGrid {...args} title="KV too small: preempted requests (purple) are recomputed" />
    </Harness>
  ),
};

export const SelectedRequest: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} ui={{ selected: 3 }} size={box}>
      <BatchGrid {...args} title="One request followed across the grid" />
    </Harness>
  ),
};

export const Animated: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.staticPaged }} animate size={box}>
      <BatchGrid {...args} title="Replaying as it was recorded" />
    </Harness>
  ),
};

export const Dark: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} theme="dark" size={box}>
      <BatchGrid {...args} />
    </Harness>
  ),
};
