// Direct loops for the depthwise-conv gradients, honouring dilation. The cpu backend's
// depthwise backprop kernels ignore `dilations` (they index x at wR + yR·stride − pad), so for
// dilated cases the wasm kernels are checked against these loops instead; on undilated cases
// the tests check that these loops agree with the cpu backend.
import { conv2dInfo } from '../../../src-main/engine/kernels/wasm/geometry';

type Pad = Parameters<typeof conv2dInfo>[4];

interface Geometry {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

/** Calls visit(xIndex, filterIndex, dyIndex) for every multiply in the forward conv. */
function forEachTerm(g: Geometry, visit: (xi: number, fi: number, yi: number) => void): void {
  const c = conv2dInfo(g.xShape, g.filterShape, g.strides, g.dilations, g.pad, undefined, true);
  const [b, h, w, ch] = g.xShape;
  const [kh, kw, , m] = g.filterShape;
  for (let n = 0; n < b; n++)
    for (let y = 0; y < c.outHeight; y++)
      for (let x = 0; x < c.outWidth; x++)
        for (let i = 0; i < kh; i++) {
          const yy = y * c.strideHeight + i * c.dilationHeight - c.padInfo.top;
          if (yy < 0 || yy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const xx = x * c.strideWidth + j * c.dilationWidth - c.padInfo.left;
            if (xx < 0 || xx >= w) continue;
            for (let k = 0; k < ch; k++)
              for (let q = 0; q < m; q++) {
                visit(((n * h + yy) * w + xx) * ch + k, ((i * kw + j) * ch + k) * m + q, ((n * c.outHeight + y) * c.outWidth + x) * ch * m + k * m + q);
              }
          }
        }
}

export function depthwiseFilterGrad(g: Geometry, x: Float32Array, dy: Float32Array): Float32Array {
  const out = new Float32Array(g.filterShape.reduce((a, b) => a * b, 1));
  forEachTerm(g, (xi, fi, yi) => (out[fi]! += x[xi]! * dy[yi]!));
  return out;
}

export function depthwiseInputGrad(g: Geometry, filter: Float32Array, dy: Float32Array): Float32Array {
  const out = new Float32Array(g.xShape.reduce((a, b) => a * b, 1));
  forEachTerm(g, (xi, fi, yi) => (out[xi]! += filter[fi]! * dy[yi]!));
  return out;
}
