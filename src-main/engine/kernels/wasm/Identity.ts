// Identity for the wasm backend without a copy. The engine clones every tensor a gradient saves
// (`saveTensorsForBackwardMode`: 1307 of the 1467 Identity calls in a DeepLabV3+ MobileNetV2
// step), and the shipped kernel memcpys each one: 126–158 ms a step at batch 4, 256 px. Tensor
// data is immutable (variables swap data ids on assign), so the clone can share the buffer with
// a reference count, exactly as the cpu backend's Identity and wasm's own Reshape do.
import type { TensorInfo } from '@tensorflow/tfjs';
import { fastPathsEnabled } from '../switch';
import { withFallback } from './fallback';

interface RefCounting {
  incRef(dataId: object): void;
}

export const identityConfig = withFallback('Identity', ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  if (!fastPathsEnabled() || x.dtype === 'string') return null;
  (backend as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
});
