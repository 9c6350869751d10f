// Label Studio tasks with brush annotations (export only): tasks.json holds one task per image
// whose annotation has one `brushlabels` result per class present (value.format "rle", the
// RLE of label-studio-rle.ts), and labeling-config.xml the labeling interface they fit (an
// Image named "image" and BrushLabels named "tag" with the 8 classes). The task's image URL is
// Label Studio's local-files form, relative to the export folder: serve it with
// LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true and LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=<export>.
import { join } from 'node:path';
import { CLASS_COLORS, CLASS_NAMES, NUM_CLASSES } from '../../contract/classes';
import { writeFileAtomic } from '../io/atomic';
import { brushRle } from './label-studio-rle';
import type { ExportFormat } from './types';

export const TASKS_FILE = 'tasks.json';
export const CONFIG_FILE = 'labeling-config.xml';
export const FROM_NAME = 'tag';
export const TO_NAME = 'image';

export interface BrushResult {
  id: string;
  type: 'brushlabels';
  from_name: string;
  to_name: string;
  original_width: number;
  original_height: number;
  image_rotation: 0;
  value: { format: 'rle'; rle: number[]; brushlabels: string[] };
}

export interface LabelStudioTask {
  data: { image: string; name: string };
  annotations: { result: BrushResult[]; ground_truth: boolean }[];
}

function hex(c: readonly number[]): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function labelingConfig(): string {
  const labels = CLASS_NAMES.slice(1).map((name, i) => `    <Label value="${name}" background="${hex(CLASS_COLORS[i + 1]!)}"/>`);
  return ['<View>', `  <Image name="${TO_NAME}" value="$image" zoom="true"/>`, `  <BrushLabels name="${FROM_NAME}" toName="${TO_NAME}">`, ...labels, '  </BrushLabels>', '</View>', ''].join('\n');
}

export const labelStudioFormat: ExportFormat = {
  name: 'label-studio',
  imagesDir: 'images',
  async open(out) {
    const tasks: LabelStudioTask[] = [];
    return {
      async add({ row, imageFile, labels, width, height }) {
        const present = new Set(labels);
        const result: BrushResult[] = [];
        // Background is what no brush covers.
        for (let cls = 1; cls < NUM_CLASSES; cls++) {
          if (!present.has(cls)) continue;
          result.push({
            id: `${row.id}-${cls}`,
            type: 'brushlabels',
            from_name: FROM_NAME,
            to_name: TO_NAME,
            original_width: width,
            original_height: height,
            image_rotation: 0,
            value: { format: 'rle', rle: brushRle(labels, cls), brushlabels: [CLASS_NAMES[cls]!] },
          });
        }
        tasks.push({ data: { image: `/data/local-files/?d=images/${encodeURIComponent(imageFile)}`, name: row.name }, annotations: [{ result, ground_truth: false }] });
      },
      async finish() {
        await writeFileAtomic(join(out, TASKS_FILE), Buffer.from(JSON.stringify(tasks)));
        await writeFileAtomic(join(out, CONFIG_FILE), Buffer.from(labelingConfig()));
      },
    };
  },
};
