import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * Three kinds of tests, each its own project:
 * - unit: pure engine/tools code in Node (fast, run in parallel);
 * - gpu:  `*.gpu.test.ts`, WebGPU kernels and the WebGPU backend through Dawn in Node (one worker:
 *         SwiftShader already uses every core);
 * - dom:  `*.test.tsx`, React components and the store in jsdom;
 * - e2e:  `e2e/*.e2e.test.ts`, the built app in headless Chromium with WebGPU (one worker).
 */
export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['engine/**/*.test.ts', 'tools/**/*.test.ts', 'src/**/*.test.ts', 'components/**/*.test.ts'],
          exclude: ['**/*.gpu.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          environment: 'node',
          include: ['**/*.gpu.test.ts'],
          exclude: ['**/node_modules/**'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['components/**/*.test.tsx', 'src/**/*.test.tsx', 'stories/**/*.test.tsx'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.e2e.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
