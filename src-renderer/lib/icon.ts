// Icons as SVG path data, drawn by components/SvgIcon.vue in the text colour: no emoji or symbol
// font is needed, so they look the same in Electron and in a bare (headless) Chromium.

export interface IconPath {
  /** Path data in a 24×24 box. */
  d: string;
  /** Filled in the text colour; otherwise stroked. */
  fill?: boolean;
}

export type Icon = readonly IconPath[];

export const LOCK_ICON: Icon = [{ d: 'M5 11h14v10H5z', fill: true }, { d: 'M8 11V8a4 4 0 0 1 8 0v3' }];

export const FOLDER_ICON: Icon = [{ d: 'M3 6h6l2 2h10v11H3z' }];

// The rooms of the nav rail.
export const PROJECT_ICON: Icon = [{ d: 'M4 4h16v16H4z' }, { d: 'M4 9h16' }, { d: 'M9 9v11' }];
export const GALLERY_ICON: Icon = [{ d: 'M4 4h7v7H4z' }, { d: 'M13 4h7v7h-7z' }, { d: 'M4 13h7v7H4z' }, { d: 'M13 13h7v7h-7z' }];
export const EDITOR_ICON: Icon = [{ d: 'M4 20l1-5L16 4l4 4L9 19z' }, { d: 'M13.5 6.5l4 4' }];
export const TRAINING_ICON: Icon = [{ d: 'M20 12a8 8 0 1 1-2.34-5.66' }, { d: 'M20 4v5h-5' }];
export const EVALUATION_ICON: Icon = [{ d: 'M4 20V4' }, { d: 'M4 20h16' }, { d: 'M8 16v-5' }, { d: 'M12 16V7' }, { d: 'M16 16v-8' }];
export const BATCH_ICON: Icon = [{ d: 'M3 7h11' }, { d: 'M3 12h11' }, { d: 'M3 17h11' }, { d: 'M17 8l4 4-4 4' }];
