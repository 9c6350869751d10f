// Size bounds of the API's inputs. They keep one message from taking the host's memory, and set
// the WebSocket's largest frame: a mask of the most pixels the studio accepts, plus overhead.

/** Pixels of the largest photo (and so mask) the studio accepts by default. */
export const DEFAULT_MAX_PIXELS = 50_000_000;
/** Longest path accepted in any input (Linux PATH_MAX). */
export const MAX_PATH = 4096;
/** Longest short name (preset, model, author). */
export const MAX_NAME = 256;
/** Most entries in a free-form record or list input (colour maps, model options). */
export const MAX_ENTRIES = 256;
/** Room for everything in a message besides the mask's bytes. */
export const MESSAGE_OVERHEAD = 1024 * 1024;

/** The largest WebSocket message: a `masks.save` of `maxPixels` labels as base64 JSON. */
export function maxMessageBytes(maxPixels: number = DEFAULT_MAX_PIXELS): number {
  return Math.ceil(maxPixels / 3) * 4 + MESSAGE_OVERHEAD;
}
