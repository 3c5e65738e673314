import type { Preview } from '@storybook/react-vite';
import '../src/theme/app.css';

const preview: Preview = {
  parameters: { layout: 'padded', controls: { expanded: true } },
};

export default preview;
