// Layout for the depthwise filter gradient, built so that every filter tap is a plain
// (unstrided, contiguous) product. The padded input is stored channel-major, each channel a
// [B, Hs, Ws] grid flattened to length Lp = B·Hs·Ws plus E trailing zeros; dy is laid on the same
// grid (strided layers zero-stuff dy first, so the geometry here is always stride 1). Filter
// tap (i, j) then reads the grid at a constant flat offset off(i, j):
//   dW[i, j] = Σ_k xPhase_q[:, k + off] · dyGrid[k, :] = Σ_k xPhase_q[:, k] · dyGrid[k − off, :]
// so instead of slicing x per tap (slow strided copies), dy is shifted by zero-padding it `off`
// rows at the front — a fast XNNPACK pad — and the tap is one matrix product over k.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { Conv2DInfo } from './geometry';
import type { WasmScope } from './scope';

export interface PhaseGrid {
  /** Per phase: the input, channel-major, [channels, Lp + E]. */
  phases: TensorInfo[];
  lp: number;
  extra: number;
  /** Phase index and flat offset of filter tap (i, j). */
  tap(i: number, j: number): { phase: number; offset: number };
  /** Grid height/width (dy is padded from outH×outW to this). */
  hs: number;
  ws: number;
}

/** Pads (or, where negative, crops) axes 1 and 2 of an NHWC tensor. */
export function padOrCrop(s: WasmScope, x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  const padded = s.pad(x, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return padded;
  const [b, h, w, ch] = padded.shape as [number, number, number, number];
  const y0 = Math.max(0, -top);
  const x0 = Math.max(0, -left);
  const out = s.slice(padded, [0, y0, x0, 0], [b, h - Math.max(0, -bottom), w - Math.max(0, -right), ch], [1, 1, 1, 1]);
  s.free(padded);
  return out;
}

export function buildPhaseGrid(s: WasmScope, x: TensorInfo, c: Conv2DInfo): PhaseGrid {
  const sh = c.strideHeight;
  const sw = c.strideWidth;
  const oiMax = Math.floor(((c.filterHeight - 1) * c.dilationHeight) / sh);
  const ojMax = Math.floor(((c.filterWidth - 1) * c.dilationWidth) / sw);
  const hs = c.outHeight + oiMax;
  const ws = c.outWidth + ojMax;
  const b = c.batchSize;
  const ch = c.inChannels;
  const lp = b * hs * ws;
  const extra = oiMax * ws + ojMax;
  const xp = padOrCrop(s, x, c.padInfo.top, hs * sh - c.padInfo.top - c.inHeight, c.padInfo.left, ws * sw - c.padInfo.left - c.inWidth);
  if (sh !== 1 || sw !== 1) throw new Error('buildPhaseGrid: stride-1 geometry expected (zero-stuff dy for strided layers)');
  const channelMajor = s.transpose(xp, [3, 0, 1, 2]);
  s.free(xp);
  const flat = s.reshape(channelMajor, [sh * sw * ch, lp]);
  s.free(channelMajor);
  const extended = s.pad(flat, [[0, 0], [0, extra]]);
  s.free(flat);
  const phases: TensorInfo[] = [];
  if (sh * sw === 1) {
    phases.push(extended);
  } else {
    for (let q = 0; q < sh * sw; q++) phases.push(s.slice(extended, [q * ch, 0], [(q + 1) * ch, lp + extra], [1, 1]));
    s.free(extended);
  }
  return {
    phases,
    lp,
    extra,
    hs,
    ws,
    tap(i, j) {
      const yi = i * c.dilationHeight;
      const xj = j * c.dilationWidth;
      return { phase: (yi % sh) * sw + (xj % sw), offset: Math.floor(yi / sh) * ws + Math.floor(xj / sw) };
    },
  };
}
