// The eraser paints background (class 0) with the brush's round, hard-edged footprint, so it can
// never leave soft or partial values. The class lock still applies ("erase only eyebrows").
import { lockMask, type PaintRule } from '../paint-rule';

export const BACKGROUND = 0;

export function eraserRule(lockTo: number | null = null): PaintRule {
  return { cls: BACKGROUND, allow: lockMask(lockTo) };
}
