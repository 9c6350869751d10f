// The renderer alone, for `facet serve` and the browser tests; electron.vite.config.ts reuses it.
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export const rendererRoot = fileURLToPath(new URL('./src-renderer', import.meta.url));

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [vue()],
  resolve: {
    alias: { '@contract': fileURLToPath(new URL('./src-main/contract', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
