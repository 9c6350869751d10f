// Counts multiply-accumulates of convolutions and dense layers per image, the way the PyTorch
// peer does (2 x MACs = FLOPs; BN, activations, pooling, resizes and softmax not counted).
import type { tf } from '../tf';

interface ConvLike {
  kernelSize?: number[];
  filters?: number;
  depthMultiplier?: number;
  rate?: number;
  units?: number;
  getClassName(): string;
}

export function countMacs(model: tf.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const l = layer as unknown as ConvLike & tf.layers.Layer;
    const cls = l.getClassName();
    const out = l.outputShape as number[];
    const input = l.input;
    const inp = (Array.isArray(input) ? input[0]!.shape : input.shape) as number[];
    const spatial = (out[1] ?? 1) * (out[2] ?? 1);
    const inC = inp[inp.length - 1] ?? 0;
    if (cls === 'Conv2D') {
      const [kh, kw] = l.kernelSize as number[];
      macs += spatial * (out[3] ?? 0) * kh! * kw! * inC;
    } else if (cls === 'FacetAtrousConv2D') {
      const k = (l as unknown as { kernelSize: number }).kernelSize;
      macs += spatial * (out[3] ?? 0) * k * k * inC;
    } else if (cls === 'DepthwiseConv2D') {
      const [kh, kw] = l.kernelSize as number[];
      macs += spatial * (out[3] ?? 0) * kh! * kw!;
    } else if (cls === 'Dense') {
      macs += (out[out.length - 1] ?? 0) * inC;
    }
  }
  return macs;
}
