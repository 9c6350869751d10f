// Image and mask files: decoding with EXIF, the indexed-PNG mask codec, atomic writes.
export { sweepStaleTemps, writeFileAtomic, writeFileReplace } from './atomic';
export { decodeImage, IMAGE_EXTENSIONS, isImageName, sharpWithinLimit, type DecodedImage } from './image';
export { encodeIndexedPng, MASK_PALETTE, readIndexedPng, readMaskWithPreset, writeIndexedPng, type ExpectedSize, type MaskLabels } from './mask';
export { checkPixelLimit, DEFAULT_MAX_MEGAPIXELS, headerSize, MAX_MEGAPIXELS_ENV, maxImagePixels } from './limits';
export { makeFolder } from './folders';
export { decodePng8, encodePng8, PngFormatError, type Png8, type Rgb } from './png8';
