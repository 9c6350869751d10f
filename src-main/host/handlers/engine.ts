import type { Handlers } from '../router';
import type { EngineInfoOutput } from '../../contract/engine';
import { engineHost, infoJob } from '../../engine/index';

export const engineHandlers: Pick<Handlers, 'engine.info'> = {
  /** Starts the engine worker on first use (the backend ladder runs there, off the main thread). */
  async 'engine.info'() {
    const host = await engineHost();
    const { info, memory } = await host.run(infoJob, {});
    const out: EngineInfoOutput = { ...info, memory };
    return out;
  },
};
