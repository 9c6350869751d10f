import pkg from '../../../package.json';
import type { Handlers } from '../router';


export const appHandlers: Pick<Handlers, 'app.info' | 'app.ping'> = {
  async 'app.info'(_input, ctx) {
    return {
      name: pkg.name,
      version: pkg.version,
      transport: ctx.session.transport,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      projectDir: ctx.session.projectDir,
    };
  },
  async 'app.ping'(input) {
    if (input.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, input.delayMs));
    return { pong: input.message, at: new Date().toISOString() };
  },
};
