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
