// What a tool writes and where it may write: the class, and the class lock as a bitmask of the
// classes it may paint over ("paint only over skin" = 1 << 1). Bit i set = class i writable.
import { NUM_CLASSES } from '@contract/classes';

export const ANY_CLASS = (1 << NUM_CLASSES) - 1;

export interface PaintRule {
  /** The class written. */
  cls: number;
  /** Bitmask of classes that may be overwritten; ANY_CLASS when unlocked. */
  allow: number;
}

/** The mask for "paint only over `lockTo`", or every class when null. */
export function lockMask(lockTo: number | null): number {
  return lockTo === null ? ANY_CLASS : 1 << lockTo;
}

export function rule(cls: number, lockTo: number | null = null): PaintRule {
  if (!Number.isInteger(cls) || cls < 0 || cls >= NUM_CLASSES) throw new Error(`class ${cls} is not 0..${NUM_CLASSES - 1}`);
  return { cls, allow: lockMask(lockTo) };
}

export function allows(allow: number, cls: number): boolean {
  return (allow & (1 << cls)) !== 0;
}
