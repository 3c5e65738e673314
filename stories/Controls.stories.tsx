import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConfigPanel } from '../components/Controls/ConfigPanel';
import { TopBar } from '../components/TopBar/TopBar';
import { FIXTURES } from './fixtures';
import { Harness } from './harness';

const meta = {
  title: 'Controls/Settings',
  component: ConfigPanel,
} satisfies Meta<typeof ConfigPanel>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Settings: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} size={{ width: 232 }}>
      <ConfigPanel />
    </Harness>
  ),
};

export const StaticGreysOutContinuousKnobs: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.staticPaged }} config={{ strategy: 'static' }} size={{ width: 232 }}>
      <ConfigPanel />
    </Harness>
  ),
};

export const SimulatedBackend: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} config={{ backend: 'sim', workload: 'anyscale' }} size={{ width: 232 }}>
      <ConfigPanel />
    </Harness>
  ),
};

export const TopBarWithTransport: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} animate size={{ width: 1200 }}>
      <TopBar />
    </Harness>
  ),
};
