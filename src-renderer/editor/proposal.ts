// Model in the loop: a predicted mask is shown as a proposal and merged into the annotator's mask
// on request. Accept-all takes the prediction wherever the class lock allows; accept-one-class
// makes the mask's region of that class exactly the proposal's.
import { NUM_CLASSES } from '@contract/classes';
import { BoundsAccumulator, type Rect } from './rect';
import type { LabelRaster } from './raster';

function checkSameSize(target: LabelRaster, proposal: LabelRaster): void {
  if (target.width !== proposal.width || target.height !== proposal.height) {
    throw new Error(`proposal is ${proposal.width}x${proposal.height} but the mask is ${target.width}x${target.height}`);
  }
}

/** Every pixel whose current class is in `allow` takes the proposal's class. */
export function acceptAll(target: LabelRaster, proposal: LabelRaster, allow: number): Rect {
  checkSameSize(target, proposal);
  const { width, data } = target;
  const p = proposal.data;
  const bounds = new BoundsAccumulator();
  for (let i = 0; i < data.length; i++) {
    const from = data[i]!;
    const to = p[i]!;
    if (from === to || (allow & (1 << from)) === 0) continue;
    data[i] = to;
    bounds.add(i % width, Math.floor(i / width));
  }
  return bounds.rect();
}

/**
 * Afterwards the mask's pixels of class `cls` are exactly the proposal's: pixels the proposal
 * calls `cls` become `cls`, and pixels the mask called `cls` but the proposal does not take the
 * proposal's class there. No other pixel changes.
 */
export function acceptClass(target: LabelRaster, proposal: LabelRaster, cls: number): Rect {
  checkSameSize(target, proposal);
  const { width, data } = target;
  const p = proposal.data;
  const bounds = new BoundsAccumulator();
  for (let i = 0; i < data.length; i++) {
    const from = data[i]!;
    const to = p[i]!;
    if (from === to || (to !== cls && from !== cls)) continue;
    data[i] = to;
    bounds.add(i % width, Math.floor(i / width));
  }
  return bounds.rect();
}

export interface ProposalSummary {
  /** Pixels where the proposal differs from the mask. */
  changed: number;
  /** Per class: pixels the class would gain and lose if all were accepted. */
  gained: number[];
  lost: number[];
}

export function summarize(target: LabelRaster, proposal: LabelRaster): ProposalSummary {
  checkSameSize(target, proposal);
  const gained = new Array<number>(NUM_CLASSES).fill(0);
  const lost = new Array<number>(NUM_CLASSES).fill(0);
  let changed = 0;
  const a = target.data;
  const b = proposal.data;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    changed++;
    gained[b[i]!]!++;
    lost[a[i]!]!++;
  }
  return { changed, gained, lost };
}
