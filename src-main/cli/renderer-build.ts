// Finds the built renderer, building it with Vite when missing, so `facet serve` works straight
// after `npm install`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `FACET_RENDERER_DIR` lets test runs build into a folder of their own. */
export const rendererOutDir = process.env['FACET_RENDERER_DIR'] ?? fileURLToPath(new URL('../../out/renderer', import.meta.url));
const rendererConfig = fileURLToPath(new URL('../../vite.renderer.config.ts', import.meta.url));

export async function ensureRendererBuilt(options: { build: boolean; force?: boolean }): Promise<string> {
  const index = `${rendererOutDir}/index.html`;
  if (existsSync(index) && !options.force) return rendererOutDir;
  if (!options.build) throw new Error(`the renderer is not built (${index} is missing): run \`npm run build:renderer\``);
  process.stderr.write('building the renderer...\n');
  const { build } = await import('vite');
  await build({ configFile: rendererConfig, logLevel: 'warn', build: { outDir: rendererOutDir, emptyOutDir: true } });
  return rendererOutDir;
}
