// Photos as users have them (JPEG, PNG, WebP, TIFF, up to the pixel limit): decoded fully (so truncation is
// caught here, not in training), EXIF orientation applied, always 3-channel sRGB.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { DomainError } from '../../contract/domain-error';
import { checkPixelLimit, maxImagePixels } from './limits';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff'] as const;
const FORMATS = new Set(['jpeg', 'png', 'webp', 'tiff']);

export interface DecodedImage {
  /** RGB, row-major, width*height*3 bytes, in display orientation. */
  data: Uint8Array;
  width: number;
  height: number;
  /** The file's container format (jpeg, png, webp, tiff). */
  format: string;
  /** The EXIF orientation the file carried (1..8; 1 when none), already applied to `data`. */
  orientation: number;
}

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function badImage(path: string, problem: string): DomainError {
  return new DomainError({ code: 'bad_file', file: path, message: `${path}: ${problem}` });
}

/** sharp's messages for the common failures, in words a user can act on. */
function describeSharpError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message)) return 'not an image (unsupported or unknown format)';
  // libvips words the same truncation differently run to run ("Premature end of JPEG file",
  // "Warning treated as error due to failOn setting"): one wording for all decode failures.
  return `truncated or corrupt image (${message.trim()})`;
}

/** Reads and decodes `path`. Accepts the file's bytes when the caller already has them. */
export async function decodeImage(path: string, bytes?: Uint8Array): Promise<DecodedImage> {
  let input: Uint8Array;
  try {
    input = bytes ?? (await readFile(path));
  } catch (error) {
    throw badImage(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (input.length === 0) throw badImage(path, 'empty file');
  try {
    // failOn 'warning' turns libjpeg's "premature end of data" (a truncated download) into an error.
    // The header is read first (metadata inflates nothing) so that a bomb is refused before
    // decoding; sharp's own limit stays on as a second guard.
    const meta = await sharp(input, { failOn: 'warning', limitInputPixels: false }).metadata();
    if (!meta.format || !FORMATS.has(meta.format)) throw badImage(path, `not a supported image (format ${meta.format ?? 'unknown'}; use JPEG, PNG, WebP or TIFF)`);
    if (meta.width && meta.height) checkPixelLimit(path, meta.width, meta.height, 'photo');
    const image = sharp(input, { failOn: 'warning', limitInputPixels: maxImagePixels() });
    const { data, info } = await image.rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw badImage(path, `decoded to ${info.channels} channels, expected RGB`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      format: meta.format,
      orientation: meta.orientation ?? 1,
    };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw badImage(path, describeSharpError(error));
  }
}

/**
 * A sharp pipeline over a stored photo, for re-encoding (thumbnails, display, export): the header
 * is measured first and a photo above the pixel limit refused before it is decoded.
 */
export async function sharpWithinLimit(path: string, input: Uint8Array): Promise<sharp.Sharp> {
  const meta = await sharp(input, { limitInputPixels: false })
    .metadata()
    .catch((error: unknown) => {
      throw badImage(path, describeSharpError(error));
    });
  if (meta.width && meta.height) checkPixelLimit(path, meta.width, meta.height, 'photo');
  return sharp(input, { limitInputPixels: maxImagePixels() });
}
