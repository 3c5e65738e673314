import type { Meta, StoryObj } from '@storybook/react-vite';
import { ExpertStrip } from '../components/ExpertStrip/ExpertStrip';
import { LiveNumbers } from '../components/Metrics/LiveNumbers';
import { FIXTURES } from './fixtures';
import { Harness } from './harness';

/** Mixture of experts: the heat strip under the grid and the expert rows of Numbers, on recorded runs of tiny-moe and tiny-moe-unbalanced. */
const meta = {
  title: 'Views/Experts',
  component: ExpertStrip,
  args: { lane: 'a' },
} satisfies Meta<typeof ExpertStrip>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Balanced: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.moeBalanced }} config={{ model: 'tiny-moe' }} size={{ width: 760, height: 130 }}>
      <ExpertStrip {...args} />
    </Harness>
  ),
};

export const Unbalanced: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.moeUnbalanced }} config={{ model: 'tiny-moe-unbalanced' }} size={{ width: 760, height: 130 }}>
      <ExpertStrip {...args} />
    </Harness>
  ),
};

export const Replaying: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.moeBalanced }} config={{ model: 'tiny-moe' }} animate size={{ width: 760, height: 130 }}>
      <ExpertStrip {...args} />
    </Harness>
  ),
};

export const NumbersWithExperts: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.moeUnbalanced }} config={{ model: 'tiny-moe-unbalanced' }} size={{ width: 300 }}>
      <LiveNumbers lane="a" />
    </Harness>
  ),
};
