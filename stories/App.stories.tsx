import type { Meta, StoryObj } from '@storybook/react-vite';
import { App } from '../src/App';
import { FIXTURES } from './fixtures';
import { Harness } from './harness';

/** The whole page as a first-time visitor meets it, at 1280 x 720, from recorded runs. */
const meta = {
  title: 'Page/App',
  component: App,
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof App>;
export default meta;
type Story = StoryObj<typeof meta>;

const screen = { width: 1280, height: 720, overflow: 'hidden' };

export const MainStory: Story = {
  name: 'Main story (1280 x 720)',
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} size={screen}>
      <App />
    </Harness>
  ),
};

export const Compare: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.staticPaged, b: FIXTURES.continuousPaged }} ui={{ compare: true, topic: 'compare' }} size={screen}>
      <App />
    </Harness>
  ),
};

export const DarkProjector: Story = {
  name: 'Dark (projector)',
  render: () => (
    <Harness runs={{ a: FIXTURES.staticPaged }} theme="dark" config={{ strategy: 'static' }} size={screen}>
      <App />
    </Harness>
  ),
};
