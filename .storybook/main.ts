import type { StorybookConfig } from '@storybook/react-vite';

/** The stories live in the top-level stories/ folder, next to the fixtures they replay. */
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true },
};

export default config;
