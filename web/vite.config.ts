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
    // Monaco (~3 MB) and the Kusto language service's worker (~8 MB, Kusto.Language compiled by
    // Bridge.NET) are large by nature; only the Logs page loads them, lazily.
    chunkSizeWarningLimit: 9000,
    rolldownOptions: {
      onLog(level, log, handler) {
        // Known and harmless, from the Kusto language service's Bridge.NET scripts: a direct eval
        // in newtonsoft.json.min.js, and a `require('fs')` behind a Node check in bridge.min.js.
        const from = `${log.id ?? ''} ${log.message}`;
        if (level === 'warn' && from.includes('@kusto/language-service/')) return;
        handler(level, log);
      },
    },
  },
  server: {
    // `npx vite web` during development: API calls go to a running `bin/idtrail serve`.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/v1.0': 'http://127.0.0.1:8080',
      '/beta': 'http://127.0.0.1:8080',
      '/v1/workspaces': 'http://127.0.0.1:8080',
    },
  },
});
