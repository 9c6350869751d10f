// The 8 face-part classes and their display palette: shared by the store (indexed PNG palette),
// the editor (overlay colours, keys 1-8) and every export.
export const CLASS_NAMES = ['background', 'skin', 'eyebrows', 'eyes', 'nose', 'mouth', 'ears', 'eyeglasses'] as const;
export const NUM_CLASSES = CLASS_NAMES.length;

/** RGB per class, chosen to be distinct on photos and for colour-blind viewers where possible. */
export const CLASS_COLORS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [255, 204, 153],
  [128, 64, 0],
  [0, 160, 255],
  [255, 230, 0],
  [230, 30, 80],
  [150, 80, 220],
  [0, 200, 120],
];
