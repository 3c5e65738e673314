import type { Meta, StoryObj } from '@storybook/react-vite';
import { TrafficView } from '../components/Traffic/TrafficView';
import { trafficRun } from '../components/Traffic/testing';
import { Harness } from './harness';

/** The memory-traffic view on example runs (bytes computed from the built-in model's shapes; times are examples). */
const meta = {
  title: 'Views/Memory traffic',
  component: TrafficView,
  args: { lanes: ['a'] },
} satisfies Meta<typeof TrafficView>;
export default meta;
type Story = StoryObj<typeof meta>;

const f32 = trafficRun({ weights: 'f32', kv: 'f32', attention: 'fused' }, 'f32, fused');
const int8 = trafficRun({ weights: 'int8', kv: 'int8', attention: 'fused' }, 'int8 weights and KV');
const unfusedPrefill = trafficRun({ weights: 'f32', kv: 'f32', attention: 'unfused' }, 'unfused attention', 1);

export const Float32: Story = {
  render: (args) => (
    <Harness runs={{ a: f32 }} size={{ width: 320, height: 200 }}>
      <TrafficView {...args} />
    </Harness>
  ),
};

export const Int8WeightsAndKv: Story = {
  render: (args) => (
    <Harness runs={{ a: int8 }} size={{ width: 320, height: 200 }}>
      <TrafficView {...args} />
    </Harness>
  ),
};

/** A 96-token prefill on the unfused path: the score matrix rivals the weights in bytes. */
export const UnfusedPrefill: Story = {
  render: (args) => (
    <Harness runs={{ a: unfusedPrefill }} size={{ width: 320, height: 200 }}>
      <TrafficView {...args} />
    </Harness>
  ),
};

/** Compare mode: both lanes on one scale. */
export const Compare: Story = {
  args: { lanes: ['a', 'b'] },
  render: (args) => (
    <Harness runs={{ a: f32, b: int8 }} size={{ width: 320, height: 240 }}>
      <TrafficView {...args} />
    </Harness>
  ),
};
