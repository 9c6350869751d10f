// A dilated ("atrous") stride-1 `same` convolution with its own gradient, for AtrousConv2D where
// the SIMD kernels run. tfjs-core's Conv2D gradient refuses dilation, so the layer otherwise goes
// through SpaceToBatchND → conv → BatchToSpaceND, and on wasm those reshuffles alone took
// ~165 ms of a DeepLabV3+ MobileNetV2 step (12 calls on ~0.1 M-element tensors; batch 4, 256 px,
// 1 thread). Here every pass is one kernel on the original layout:
//   y  = conv(x, W, dilation r)                      (XNNPACK, dilated)
//   dx = conv(dy, rot180(W) with in/out swapped, r)  (XNNPACK: stride 1, odd kernel, symmetric pad)
//   dW = Conv2DBackpropFilter with dilation r        (the direct SIMD kernel)
import { tf } from '../tf';
import { simdKernels } from './simd/module';

/** Whether the op can run: wasm with the SIMD kernels, an odd square kernel, float32. */
export function canAtrousConv(x: tf.Tensor, kernelSize: number): boolean {
  return x.dtype === 'float32' && kernelSize % 2 === 1 && tf.getBackend() === 'wasm' && simdKernels(tf.backend()) !== null;
}

export function atrousConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, rate: number): tf.Tensor4D {
  const dilations: [number, number] = [rate, rate];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xs, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xs, w]);
    return {
      value: tf.conv2d(xs, w, 1, 'same', 'NHWC', dilations),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const flipped = tf.transpose(tf.reverse(sw, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const dx = tf.conv2d(g, flipped, 1, 'same', 'NHWC', dilations);
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: sx, dy: g }, {
          strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: sw.shape, dilations,
        } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
        flipped.dispose();
        return [dx, dw];
      },
    };
  });
  return op(x, kernel) as tf.Tensor4D;
}
