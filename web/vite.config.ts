// The portal's build: web/ → dist/web, served by the idtrail server at `/` (src/api/routes/portal.ts).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npx vite web` during development: API calls go to a running `bin/idtrail serve`.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/v1.0': 'http://127.0.0.1:8080',
      '/beta': 'http://127.0.0.1:8080',
    },
  },
});
