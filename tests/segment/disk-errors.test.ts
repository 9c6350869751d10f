// The batch on a failing disk, through a fake write layer (a full or read-only disk cannot be made
// here): a full disk stops the batch with the file named in words, keeps every mask and summary row
// already written, and a re-run on a disk with room again finishes the rest. An output folder that
// is a file (a real EEXIST) is refused before any photo is read.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkFolders, segmentFolder, SUMMARY_FILE } from '../../src-main/segment/batch';
import { probabilityModelFromLoaded } from '../../src-main/segment/model';
import { readSummary } from '../../src-main/segment/summary';
import type { ProbabilityModel } from '../../src-main/segment/types';
import { tempDir } from '../helpers/temp';
import { tinyModel } from './model-fixture';

/** Which write fails next: the n-th mask write (1-based) or the summary, and with which code. */
const faults = vi.hoisted(() => ({ maskWrites: 0, failMaskAt: 0, failSummary: false, code: 'ENOSPC' }));

function diskError(code: string, path: string): NodeJS.ErrnoException {
  // As fs raises it from inside the atomic writer: the temp file's name, or no name at all.
  const error: NodeJS.ErrnoException = new Error(`${code}: failed, write`);
  error.code = code;
  error.syscall = code === 'ENOSPC' ? 'write' : 'open';
  if (code !== 'ENOSPC') error.path = join(path, '..', `.${path.split('/').pop()!}.3781.a1b2c3d4.tmp`);
  return error;
}

vi.mock('../../src-main/dataset/io/mask', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-main/dataset/io/mask')>();
  return {
    ...real,
    writeIndexedPng: async (path: string, labels: Uint8Array, width: number, height: number) => {
      faults.maskWrites++;
      if (faults.failMaskAt > 0 && faults.maskWrites >= faults.failMaskAt) throw diskError(faults.code, path);
      return real.writeIndexedPng(path, labels, width, height);
    },
  };
});

vi.mock('../../src-main/segment/summary', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-main/segment/summary')>();
  return {
    ...real,
    writeSummary: async (path: string, rows: Parameters<typeof real.writeSummary>[1]) => {
      if (faults.failSummary) throw diskError(faults.code, path);
      return real.writeSummary(path, rows);
    },
  };
});

describe('segment batch on a failing disk', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let inDir: string;
  let model: ProbabilityModel;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-segment-disk-'));
    inDir = join(root, 'in');
    await mkdir(inDir, { recursive: true });
    for (let i = 0; i < 6; i++) {
      await writeFile(join(inDir, `p${i}.jpg`), await sharp({ create: { width: 24 + i, height: 20, channels: 3, background: { r: 40 * i, g: 90, b: 200 } } }).jpeg().toBuffer());
    }
    model = probabilityModelFromLoaded(await tinyModel(32));
  });

  beforeEach(() => {
    Object.assign(faults, { maskWrites: 0, failMaskAt: 0, failSummary: false, code: 'ENOSPC' });
  });

  afterAll(async () => {
    model?.dispose();
    await cleanup?.();
  });

  it('stops on a full disk naming the file, keeps what is done, and resumes', async () => {
    const outDir = join(root, 'out-full');
    faults.failMaskAt = 4;
    const first = await segmentFolder({ inDir, outDir, model });
    expect(first.stopped).toBe(`cannot write ${join(outDir, 'p3.png')}: the disk is full`);
    expect(first.segmented).toBe(3);
    expect(first.failed).toEqual([]);
    // The photos after the failure were not tried, nor recorded as bad photos.
    expect(faults.maskWrites).toBe(4);
    expect([...(await readSummary(join(outDir, SUMMARY_FILE))).keys()]).toEqual(['p0.jpg', 'p1.jpg', 'p2.jpg']);
    expect((await readdir(outDir)).sort()).toEqual(['p0.png', 'p1.png', 'p2.png', SUMMARY_FILE]);

    faults.failMaskAt = 0;
    const second = await segmentFolder({ inDir, outDir, model });
    expect(second.stopped).toBeUndefined();
    expect({ skipped: second.skipped, segmented: second.segmented }).toEqual({ skipped: 3, segmented: 3 });
    expect((await readSummary(join(outDir, SUMMARY_FILE))).size).toBe(6);
  });

  it('names summary.csv, not its temp file, on a read-only disk', async () => {
    const outDir = join(root, 'out-ro');
    Object.assign(faults, { failSummary: true, code: 'EROFS' });
    const report = await segmentFolder({ inDir, outDir, model });
    expect(report.stopped).toBe(`cannot write ${join(outDir, SUMMARY_FILE)}: the file system is read-only`);
    expect(report.stopped).not.toMatch(/EROFS|\.tmp/);
  });

  it('refuses an output folder that is a file, in words', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    await expect(checkFolders(inDir, file)).rejects.toThrow(`the output folder: cannot create the folder ${file}: ${file} is a file, not a folder`);
    await expect(checkFolders(inDir, join(file, 'sub'))).rejects.toThrow(`${file} is a file, not a folder`);
    await expect(segmentFolder({ inDir, outDir: file, model })).rejects.not.toThrow(/EEXIST|ENOTDIR/);
  });
});
