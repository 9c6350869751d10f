// `facet serve`: the studio in any browser on this machine, through the loopback server.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { handlers } from '../host/handlers/index';
import { createRouter } from '../host/router';
import { startLoopbackServer } from '../host/transports/server';
import { defaultProjectDir } from '../host/project-location';
import { ensureRendererBuilt } from './renderer-build';
import { parsePort } from './options';
import { maxImagePixels } from '../dataset/io/limits';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the studio and its API on 127.0.0.1 (open the printed URL in a browser)')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--project <dir>', 'project folder', defaultProjectDir())
    .option('--no-build', 'do not build the renderer when its build is missing')
    .action(async (opts: { port: number; project: string; build: boolean }) => {
      const staticDir = await ensureRendererBuilt({ build: opts.build });
      const server = await startLoopbackServer({
        router: createRouter(handlers),
        session: { projectDir: resolve(opts.project), transport: 'server' },
        staticDir,
        port: opts.port,
        // The largest message follows the pixel limit in force (FACET_MAX_MEGAPIXELS).
        maxPixels: maxImagePixels(),
      });
      process.stdout.write(`Facet Studio is at ${server.url}\n`);
      process.stdout.write(`project: ${resolve(opts.project)} (Ctrl+C stops)\n`);
      const stop = (): void => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
