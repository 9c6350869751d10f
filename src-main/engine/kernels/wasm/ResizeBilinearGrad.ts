// ResizeBilinearGrad for the wasm backend: the shipped kernel is a scalar C loop (42 ms for the
// decoder's ×4 upsampling gradient, 4×256×256×64 → 4×64×64×64, in a DeepLabV3+ MobileNetV2 step
// at batch 4, 256 px, 1 thread); the SIMD kernel (c/resize_bilinear_grad.c) spreads each dy pixel
// over its four sources vectorised over channels: 57 → 21 ms on that shape (min of 5). Same mapping as the shipped and cpu
// kernels (alignCorners honoured, halfPixelCenters not applied, as theirs).
import type { TensorInfo } from '@tensorflow/tfjs';
import { heapAddress, makeOutput, simdKernels } from '../simd/module';
import { withFallback } from './fallback';

export const resizeBilinearGradConfig = withFallback('ResizeBilinearGrad', ({ inputs, backend, attrs }) => {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  const { alignCorners } = attrs as { alignCorners: boolean };
  const k = simdKernels(backend);
  if (k === null || dy.dtype !== 'float32' || images.shape.length !== 4) return null;
  const [batch, xH, xW, channels] = images.shape as [number, number, number, number];
  const [, yH, yW] = dy.shape as [number, number, number, number];
  const scale = (x: number, y: number) => (alignCorners && y > 1 ? x - 1 : x) / (alignCorners && y > 1 ? y - 1 : y);
  const out = makeOutput(backend, [batch, xH, xW, channels]);
  k.resize_bilinear_grad(heapAddress(backend, dy), heapAddress(backend, out), batch, xH, xW, yH, yW, channels, scale(xH, yH), scale(xW, yW));
  return out;
});
