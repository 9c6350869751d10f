// The desktop app: main and preload bundled for Node/Electron, the renderer as in vite.renderer.config.ts.
import vue from '@vitejs/plugin-vue';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { fileURLToPath } from 'node:url';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    // Engine workers are entries of their own: worker/host.ts starts `./entry.js` (the engine's
    // jobs) or `./segment-worker.js` (a batch) beside the bundled main.
    build: { rollupOptions: { input: { main: src('./src-main/electron/main.ts'), entry: src('./src-main/engine/jobs/entry.ts'), 'segment-worker': src('./src-main/segment/worker-entry.ts') } } },
  },
  preload: {
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: {
      rollupOptions: {
        input: { preload: src('./src-main/electron/preload.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: src('./src-renderer'),
    plugins: [vue()],
    resolve: { alias: { '@contract': src('./src-main/contract') } },
    build: { rollupOptions: { input: { index: src('./src-renderer/index.html') } } },
  },
});
