// Cast to float32 for the webgpu backend that converts the data. tfjs's webgpu Cast turns int32
// (and bool) into float32 without a copy: the float32 tensor keeps the int32 buffer. Most kernels
// read inputs through accessors that convert, but the generic TransposeProgram copies the raw
// element into its float32 output, so its WGSL does not compile ("type mismatch … expected 'f32',
// got 'i32'"), Dawn drops the dispatch and the output keeps whatever its buffer held. The loss's
// one-hot truth is such a tensor (oneHot gives int32, `.toFloat()`; a Sum over [0, 1, 2]
// transposes it first, inside the Sum kernel), so every training loss on webgpu came out 0 or
// NaN. Converting here (one elementwise pass over labels-sized data) means no float32 tensor made
// by an op sits on an int32 buffer.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
// Types only: the package registers its backend when evaluated, which must wait for Dawn.
import type { webgpu_util as WebGpuUtil } from '@tensorflow/tfjs-backend-webgpu';
import { tf } from '../../tf';

export type WebGpuUtilModule = typeof WebGpuUtil;

interface WebGpuBackendLike {
  shouldExecuteOnCPU(inputs: TensorInfo[]): boolean;
  runWebGPUProgram(program: object, inputs: TensorInfo[], outputDtype: 'float32'): TensorInfo;
}

/** out[i] = f32(x[i]): the input accessor converts from the buffer's type. */
class ToFloatProgram {
  readonly variableNames = ['A'];
  readonly size = true;
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly shaderKey = 'facet_to_float';

  constructor(util: WebGpuUtilModule, readonly outputShape: number[]) {
    this.dispatchLayout = util.flatDispatchLayout(outputShape);
    this.dispatch = util.computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, getAByOutputIndex(index));
        }
      }
    `;
  }
}

export function castConfig(shipped: KernelConfig, util: WebGpuUtilModule): KernelConfig {
  const kernelFunc = ((args: Parameters<KernelFunc>[0]) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: string };
    const backend = args.backend as unknown as WebGpuBackendLike;
    if (dtype !== 'float32' || (x.dtype !== 'int32' && x.dtype !== 'bool') || backend.shouldExecuteOnCPU([x])) {
      return shipped.kernelFunc(args);
    }
    return backend.runWebGPUProgram(new ToFloatProgram(util, [...x.shape]), [x], 'float32');
  }) as KernelFunc;
  return { kernelName: tf.Cast, backendName: 'webgpu', kernelFunc };
}
