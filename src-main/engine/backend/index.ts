// Starts the engine on the best available backend. (First version: wasm, else cpu; the backend
// issue replaces this with the full ladder and `facet info`.)
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface EngineInfo {
  backend: BackendName;
  tfjsVersion: string;
}

let started: Promise<EngineInfo> | null = null;

export function initEngine(options: { backend?: BackendName } = {}): Promise<EngineInfo> {
  started ??= (async () => {
    const order: BackendName[] = options.backend ? [options.backend] : ['wasm', 'cpu'];
    for (const name of order) {
      if (await tf.setBackend(name).catch(() => false)) {
        await tf.ready();
        return { backend: name, tfjsVersion: tf.version.tfjs };
      }
    }
    throw new Error(`no TensorFlow.js backend could start (tried ${order.join(', ')})`);
  })();
  return started;
}
