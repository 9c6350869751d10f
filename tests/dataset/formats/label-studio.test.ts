import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASS_NAMES } from '../../../src-main/contract/classes';
import { exportProject } from '../../../src-main/dataset/export';
import { EXPORT_FORMATS } from '../../../src-main/dataset/formats/index';
import { brushRle } from '../../../src-main/dataset/formats/label-studio-rle';
import type { LabelStudioTask } from '../../../src-main/dataset/formats/label-studio';
import { readMask } from '../../../src-main/dataset/store/revisions';
import { closeAllStores, type ProjectStore } from '../../../src-main/dataset/store/store';
import { describeWith } from '../../helpers/describe-with';
import { needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';
import { realProject, syntheticProject } from './fixtures';
import { specBrushDecode } from './spec-decoders';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-ls-')));
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

/**
 * Rebuilds each task's label map the way label-studio-converter reads a brush result: decode_rle,
 * reshape to [height, width, 4], keep the alpha channel; every class layer must be 0 or 255, and
 * the layers must not overlap.
 */
async function expectTasksMatchProject(out: string, store: ProjectStore): Promise<number> {
  const tasks = JSON.parse(await readFile(join(out, 'tasks.json'), 'utf8')) as LabelStudioTask[];
  const labelled = store.allRows().filter((r) => r.mask_revision > 0);
  expect(tasks.map((t) => t.data.name).sort()).toEqual(labelled.map((r) => r.name).sort());
  let results = 0;
  for (const task of tasks) {
    const row = store.rowByName(task.data.name)!;
    const mask = await readMask(store, row.id);
    expect(task.data.image).toMatch(/^\/data\/local-files\/\?d=images\//);
    const rebuilt = new Uint8Array(mask.labels.length);
    for (const r of task.annotations[0]!.result) {
      results++;
      expect(r).toMatchObject({ type: 'brushlabels', from_name: 'tag', to_name: 'image', original_width: row.width, original_height: row.height, value: { format: 'rle' } });
      const cls = CLASS_NAMES.indexOf(r.value.brushlabels[0] as (typeof CLASS_NAMES)[number]);
      expect(cls).toBeGreaterThan(0);
      const rgba = specBrushDecode(r.value.rle);
      expect(rgba.length).toBe(row.width * row.height * 4);
      for (let i = 0; i < rebuilt.length; i++) {
        const alpha = rgba[i * 4 + 3]!;
        if (alpha !== 0 && alpha !== 255) throw new Error(`${row.name} ${r.value.brushlabels[0]}: alpha ${alpha} at pixel ${i}`);
        if (alpha === 0) continue;
        if (rebuilt[i] !== 0) throw new Error(`${row.name}: layers overlap at pixel ${i}`);
        rebuilt[i] = cls;
      }
    }
    expect(Buffer.from(rebuilt).equals(Buffer.from(mask.labels)), row.name).toBe(true);
  }
  return results;
}

describe('Label Studio brush export', () => {
  it('encodes a hand-computed example bit for bit as brush.py does', () => {
    // 2x1 mask [class, other] → RGBA values 255,255,255,255,0,0,0,0 (num = 8). Bits:
    //   num 8 (32 bits) | word size-1 = 7: 00111 | rle sizes-1 2,3,7,15: 0010 0011 0111 1111
    //   run of 4 x 255: 1 00 011 11111111 | run of 4 x 0: 1 00 011 00000000 | 81 bits → 7 zero bits
    //   = 00000000 00000000 00000000 00001000 00111001 00011011 11111100 01111111 11110001 10000000 00000000
    expect(brushRle(Uint8Array.from([3, 0]), 3)).toEqual([0, 0, 0, 8, 57, 27, 252, 127, 241, 128, 0]);
    expect([...specBrushDecode([0, 0, 0, 8, 57, 27, 252, 127, 241, 128, 0])]).toEqual([255, 255, 255, 255, 0, 0, 0, 0]);
    // 5 pixels of the class → one run of 20 values: 1 10 00010011 11111111 (19 bits), 53 + 19 = 72 bits,
    // already whole bytes, so brush.py's `8 - len % 8` padding adds a full zero byte.
    expect(brushRle(new Uint8Array(5).fill(1), 1)).toEqual([0, 0, 0, 20, 57, 27, 254, 19, 255, 0]);
  });

  it('covers every run-length field width, runs past 2^16 values and byte-aligned endings', () => {
    // Pixel runs of 1, 2..4, 5..64 and > 16384 pixels (4 values each: 4, 8..16, 20..256, > 65536 values).
    for (const runs of [[1], [2, 1, 3], [5, 40, 64, 1], [20000, 3, 17000], [70000], [16384, 1]]) {
      const labels = new Uint8Array(runs.reduce((a, b) => a + b, 0));
      let k = 0;
      runs.forEach((n, i) => {
        labels.fill(i % 2 === 0 ? 2 : 0, k, k + n);
        k += n;
      });
      const decoded = specBrushDecode(brushRle(labels, 2));
      expect(decoded.length).toBe(labels.length * 4);
      for (let i = 0; i < decoded.length; i++) if (decoded[i] !== (labels[i >> 2] === 2 ? 255 : 0)) throw new Error(`runs ${runs}: value ${i}`);
    }
  });

  it('writes tasks whose brush layers decode (per brush.py) to the project masks, and the labeling config', async () => {
    const store = await syntheticProject(root);
    const out = join(root, 'export-synthetic');
    const report = await exportProject(store, { out, format: EXPORT_FORMATS['label-studio'] });
    expect(report.exported).toBe(4);
    expect((await readdir(out)).sort()).toEqual(['images', 'labeling-config.xml', 'tasks.json']);
    expect(await expectTasksMatchProject(out, store)).toBeGreaterThan(7);
    const config = await readFile(join(out, 'labeling-config.xml'), 'utf8');
    for (const name of CLASS_NAMES.slice(1)) expect(config).toContain(`<Label value="${name}"`);
    expect(config).toMatch(/<BrushLabels name="tag" toName="image">/);
  });
});

describeWith([needsData()], 'Label Studio export of celebamask-hq-800 images', () => {
  it('writes brush layers that decode to the real masks', async () => {
    const store = await realProject(join(root, 'real'));
    const out = join(root, 'export-real');
    await exportProject(store, { out, format: EXPORT_FORMATS['label-studio'] });
    expect(await expectTasksMatchProject(out, store)).toBeGreaterThan(40);
  });
});
