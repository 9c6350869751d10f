import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract/training';
import { openDataSource } from '../../../src-main/dataset/batches/sources';
import { exportProject } from '../../../src-main/dataset/export';
import { EXPORT_FORMATS } from '../../../src-main/dataset/formats/index';
import { closeAllStores } from '../../../src-main/dataset/store/store';
import { tempDir } from '../../helpers/temp';
import { contents, syntheticProject } from './fixtures';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-formats-data-')));
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

describe('training and evaluation read coco and cvat-mask folders in place', () => {
  for (const format of ['coco', 'cvat-mask'] as const) {
    it(`--data DIR --preset ${format} gives the exported masks`, async () => {
      const store = await syntheticProject(join(root, format));
      const out = join(root, `export-${format}`);
      await exportProject(store, { out, format: EXPORT_FORMATS[format] });
      const splits = await openDataSource(runConfigSchema.shape.data.parse({ kind: 'folder', dir: out, preset: format }));
      const items = [...splits.train, ...splits.val];
      const expected = await contents(store);
      expect(items.map((i) => i.name).sort()).toEqual([...expected.keys()].sort());
      for (const item of items) {
        const sample = await item.load();
        expect(Buffer.from(sample.labels).equals(expected.get(item.name)!.labels), item.name).toBe(true);
      }
    });
  }
});
