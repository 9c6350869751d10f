// The Tiny Face Detector that ships with `@vladmandic/face-api` (a Tiny YOLO v2 with separable
// convolutions) rebuilt as an ONNX graph from the package's own weight files, so onnxruntime runs
// it on every core instead of tfjs wasm on one. The layers are face-api's `runMobilenet`: a 3x3
// conv (valid) then five depthwise-separable convs, each followed by a 2x2 max pool (stride 2, the
// last stride 1, TF 'same' padding), leaky ReLU 0.1 after every conv but the 1x1 head. The input
// is NHWC floats already normalised as face-api does ((pixel - mean RGB) / 255); the output is the
// head's NHWC map [n, cells, cells, anchors * 5]. Height and width are symbolic: one graph serves
// every pass size (a multiple of 32).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphWriter } from './graph-writer';
import { encodeModel } from './proto';

export const TINY_FACE_INPUT = 'image';
export const TINY_FACE_OUTPUT = 'grid';
const MANIFEST = 'tiny_face_detector_model-weights_manifest.json';
/** The separable conv blocks after conv0, as face-api names them. */
const SEPARABLE = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'] as const;
const LEAKY_ALPHA = 0.1;

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale: number; min: number };
}

type Weights = Map<string, { shape: number[]; data: Float32Array }>;

/** The detector's weights by name, dequantised as tfjs does (q * scale + min). */
export async function readTinyFaceWeights(modelDir: string): Promise<Weights> {
  const manifestPath = join(modelDir, MANIFEST);
  const groups = JSON.parse(await readFile(manifestPath, 'utf8')) as { paths: string[]; weights: ManifestWeight[] }[];
  const weights: Weights = new Map();
  for (const group of groups) {
    const bytes = Buffer.concat(await Promise.all(group.paths.map((p) => readFile(join(modelDir, p)))));
    let at = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      const q = w.quantization;
      if (q && q.dtype === 'uint8') {
        for (let i = 0; i < n; i++) data[i] = bytes[at + i]! * q.scale + q.min;
        at += n;
      } else if (!q && w.dtype === 'float32') {
        data.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + n * 4)));
        at += n * 4;
      } else {
        throw new Error(`${manifestPath}: weight ${w.name} is stored as ${q?.dtype ?? w.dtype}, which this reader does not decode`);
      }
      weights.set(w.name, { shape: w.shape, data });
    }
    if (at !== bytes.length) throw new Error(`${manifestPath}: the weights take ${at} bytes but the files hold ${bytes.length}`);
  }
  return weights;
}

/** tfjs [kh, kw, in, out] (or depthwise [kh, kw, in, 1]) as ONNX's [out, in / group, kh, kw]. */
function toOihw(shape: number[], data: Float32Array, depthwise: boolean): { dims: number[]; data: Float32Array } {
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const out = depthwise ? cin * cout : cout;
  const inPerGroup = depthwise ? 1 : cin;
  const w = new Float32Array(out * inPerGroup * kh * kw);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          const src = ((y * kw + x) * cin + i) * cout + o;
          const dst = depthwise ? ((i * cout + o) * kh + y) * kw + x : ((o * cin + i) * kh + y) * kw + x;
          w[dst] = data[src]!;
        }
      }
    }
  }
  return { dims: [out, inPerGroup, kh, kw], data: w };
}

/** The detector as ONNX bytes (opset 17). */
export function tinyFaceOnnx(weights: Weights): Uint8Array {
  const g = new GraphWriter();
  const get = (name: string): { shape: number[]; data: Float32Array } => {
    const w = weights.get(name);
    if (!w) throw new Error(`tiny face detector: weight ${name} missing`);
    return w;
  };
  const conv = (x: string, name: string, opts: { depthwise?: boolean; bias?: string; pads?: number[] }): string => {
    const w = get(name);
    const { dims, data } = toOihw(w.shape, w.data, opts.depthwise ?? false);
    const inputs = [x, g.floats(name, dims, data)];
    if (opts.bias) inputs.push(g.floats(opts.bias, [get(opts.bias).data.length], get(opts.bias).data));
    return g.op('Conv', inputs, name, {
      kernel_shape: [dims[2]!, dims[3]!],
      pads: opts.pads ?? [0, 0, 0, 0],
      ...(opts.depthwise ? { group: dims[0]! } : {}),
    });
  };
  const leaky = (x: string, hint: string): string => g.op('LeakyRelu', [x], `${hint}_leaky`, { alpha: { float: LEAKY_ALPHA } });
  const pool = (x: string, stride: number, hint: string): string =>
    g.op('MaxPool', [x], `${hint}_pool`, { kernel_shape: [2, 2], strides: [stride, stride], auto_pad: 'SAME_UPPER' });

  let x = g.op('Transpose', [TINY_FACE_INPUT], 'to_nchw', { perm: [0, 3, 1, 2] });
  x = pool(leaky(conv(x, 'conv0/filters', { bias: 'conv0/bias' }), 'conv0'), 2, 'conv0');
  SEPARABLE.forEach((block, k) => {
    // face-api pads by 1 and convolves 'valid': the same as a depthwise conv with pads of 1.
    const depthwise = conv(x, `${block}/depthwise_filter`, { depthwise: true, pads: [1, 1, 1, 1] });
    x = leaky(conv(depthwise, `${block}/pointwise_filter`, { bias: `${block}/bias` }), block);
    x = pool(x, k === SEPARABLE.length - 1 ? 1 : 2, block);
  });
  const head = conv(x, 'conv8/filters', { bias: 'conv8/bias' });
  g.nodes.push({ opType: 'Transpose', inputs: [head], outputs: [TINY_FACE_OUTPUT], name: 'to_nhwc', attributes: { perm: [0, 2, 3, 1] } });
  const channels = get('conv8/bias').data.length;
  return encodeModel({
    nodes: g.nodes,
    initializers: g.initializers,
    input: { name: TINY_FACE_INPUT, dims: ['N', 'H', 'W', 3] },
    output: { name: TINY_FACE_OUTPUT, dims: ['N', 'GH', 'GW', channels] },
    opset: 17,
  });
}
