import type { Preview } from '@storybook/react-vite';
import '../src/theme/tokens.css';
import '../src/theme/app.css';
import '../src/theme/layout.css';

const preview: Preview = {
  parameters: { layout: 'padded', controls: { expanded: true } },
};

export default preview;
