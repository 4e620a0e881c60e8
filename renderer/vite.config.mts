// Standalone renderer build/dev server (`npx vite build -c renderer/vite.config.mts`), for working on
// the UI without the Electron entries. The app build uses electron.vite.config.ts.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [vue()],
  build: {
    outDir: resolve(here, '../out/renderer'),
    emptyOutDir: true,
    // echarts core + zrender alone are ~450 kB; the app loads locally, so one chunk is fine.
    chunkSizeWarningLimit: 800,
  },
  server: {
    // Proxy the WebSocket to a running web host (`npm run serve`) during `vite dev`.
    proxy: { '/ws': { target: 'ws://127.0.0.1:5174', ws: true } },
  },
});
