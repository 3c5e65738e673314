import type { Meta, StoryObj } from '@storybook/react-vite';
import { Explain } from '../components/Explain/Explain';
import { RequestPanel } from '../components/RequestPanel/RequestPanel';
import { Tour } from '../components/Tour/Tour';
import { FIXTURES } from './fixtures';
import { Harness } from './harness';

const meta = {
  title: 'Teaching/Explanations',
  component: Explain,
} satisfies Meta<typeof Explain>;
export default meta;
type Story = StoryObj<typeof meta>;

export const WhyStaticIdles: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.staticPaged }} ui={{ topic: 'static-idle' }} size={{ width: 320, height: 220 }}>
      <Explain />
    </Harness>
  ),
};

export const KvWaste: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousContiguous }} ui={{ topic: 'kv-waste' }} size={{ width: 320, height: 220 }}>
      <Explain />
    </Harness>
  ),
};

export const TourFirstStep: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} ui={{ tourStep: 0 }} size={{ height: 400 }}>
      <Tour />
    </Harness>
  ),
};

export const FollowedRequest: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} ui={{ selected: 2 }} size={{ width: 520 }}>
      <RequestPanel lane="a" />
    </Harness>
  ),
};
