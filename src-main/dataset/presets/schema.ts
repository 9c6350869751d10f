// The shape of a preset file in resources/presets/*.json. Presets are data so that a new
// labelling scheme is a JSON file, not code; this schema is the one place that reads them.
import { z } from 'zod';

const classIndex = z.number().int().min(0).max(7);
const rgb = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]);
const rawValue = z.string().regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/, 'a raw mask value 0..255');
const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour #rrggbb');
const extension = z.string().regex(/^\.[a-z0-9]+$/, 'an extension like .png');

const indexMasks = z
  .object({
    dir: z.string().min(1),
    extensions: z.array(extension).min(1),
    /** Text between the image's name and the mask's extension (`_mask` for `a_mask.png`); none by default. */
    suffix: z.string().default(''),
    /** The pixel's sample value: the palette index of a palette PNG, else the gray value. */
    read: z.literal('index'),
    /** Human names of the raw values, for messages and docs. */
    labels: z.record(rawValue, z.string()).optional(),
    /** Raw value → class 0..7. A value not listed here is rejected at import. */
    values: z.record(rawValue, classIndex),
  })
  .strict();

const rgbMasks = z
  .object({
    dir: z.string().min(1),
    extensions: z.array(extension).min(1),
    /** Text between the image's name and the mask's extension (`_mask` for `a_mask.png`); none by default. */
    suffix: z.string().default(''),
    read: z.literal('rgb'),
    /** Colour → class 0..7; the user's map replaces it. A colour not listed is rejected. */
    colors: z.record(hexColor, classIndex),
  })
  .strict();

export const presetFileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    description: z.string(),
    images: z.object({ dir: z.string().min(1) }).strict(),
    /**
     * A format whose labels come from the source's own files (CVAT's labelmap.txt, COCO's JSON)
     * rather than this preset: the code in dataset/formats/ lists and reads it.
     */
    format: z.enum(['cvat-mask', 'coco']).optional(),
    masks: z.union([indexMasks, rgbMasks]).nullable(),
    /** How to write the 8 classes back in this scheme; null when the scheme is import-only. */
    export: z
      .object({
        /** Raw value to write for each class 0..7. */
        values: z.array(z.number().int().min(0).max(255)).length(8),
        /** Palette of a palette PNG (index = raw value); null writes an 8-bit gray PNG. */
        palette: z.array(rgb).min(1).max(256).nullable(),
      })
      .strict()
      .nullable(),
  })
  .strict();

export type PresetFile = z.infer<typeof presetFileSchema>;
