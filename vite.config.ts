import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app: src/ is the entry, public/ carries the built-in model. PORT is honoured by
// tools/start.js (npm start), which serves the production build.
export default defineConfig({
  plugins: [react()],
  server: { port: Number(process.env.PORT) || 5173, strictPort: true, host: '127.0.0.1' },
  preview: { port: Number(process.env.PORT) || 4173, strictPort: true, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
