// Image and mask files: decoding with EXIF, the indexed-PNG mask codec, atomic writes.
export { sweepStaleTemps, writeFileAtomic, writeFileReplace } from './atomic';
export { decodeImage, IMAGE_EXTENSIONS, isImageName, type DecodedImage } from './image';
export { encodeIndexedPng, MASK_PALETTE, readIndexedPng, readMaskWithPreset, writeIndexedPng, type MaskLabels } from './mask';
export { decodePng8, encodePng8, PngFormatError, type Png8, type Rgb } from './png8';
