// Import presets: label schemes as data (resources/presets/*.json) and their mapping to 0..7.
export { compilePreset, listPresets, loadPreset, presetsDir, type MaskRead, type Preset, type PresetOptions } from './load';
export { mapIndexValues, mapRgbValues } from './map';
export { presetFileSchema, type PresetFile } from './schema';
