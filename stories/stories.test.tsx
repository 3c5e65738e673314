import { composeStories } from '@storybook/react-vite';
import { act, render, cleanup } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import '../components/shared/testing';

/** Every story of every file renders without throwing and puts something on the page. */
const modules = import.meta.glob<Record<string, unknown>>('./*.stories.tsx', { eager: true });

afterEach(cleanup);

describe.each(Object.entries(modules))('%s', (_file, mod) => {
  const stories = Object.entries(composeStories(mod as Parameters<typeof composeStories>[0]));
  it('has stories', () => expect(stories.length).toBeGreaterThan(0));
  it.each(stories)('%s renders', async (_name, story) => {
    const Story = story as React.FC;
    const { container } = render(<Story />);
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(container.innerHTML.length).toBeGreaterThan(100);
  });
});
