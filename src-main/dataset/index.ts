// The dataset layer: presets, file codecs, source folders, the project store, import/export.
export * from './presets/index';
export * from './io/index';
export { listLabelledFolder, listSourceFolder, type LabelledPair, type SourceItem, type SourceListing, type SourceRejection } from './folder';
export * from './store/index';
export { assignPendingSplits, importFolder, UNCHANGED, type ImportOptions, type SplitSetting } from './import';
export { exportProject, type ExportOptions, type ExportReport } from './export';
export { ASSIGNABLE_SPLITS, assignSplits, DEFAULT_RATIOS, parseSplitRatios, type AssignableSplit, type SplitRatios } from './splits';
export { displayBytes, thumbnail, thumbnailPath, DEFAULT_THUMB_SIZE } from './thumbnails';
