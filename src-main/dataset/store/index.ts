// The project store: SQLite index (images, statuses, splits, revisions) plus mask files.
export { closeAllStores, closeStore, DB_FILE, openStore, PROJECT_DIRS, ProjectStore, toItem, type ImageFilter, type ImageRow, type NewImage, type RevisionRow } from './store';
export { classBits, commitNewImage, listRevisions, readMask, revisionRow, saveMask, stagingDir, type SaveOptions, type StagedMask } from './revisions';
export { SCHEMA_VERSION } from './schema';
