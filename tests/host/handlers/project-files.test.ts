// The project room's API: recent projects (an untrusted file in the config folder), creating a
// project only in a new or empty folder, the read-only import preview, splits from a file, and
// export through the same code as the CLI, with progress and refused rows.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type Session } from '../../../src-main/host/context';
import type { EventName } from '../../../src-main/contract/index';
import { EXPORT_FORMATS, type ExportFormatName, type ExportReportData, type ImportPreview, type RecentProjects } from '../../../src-main/contract/project-files';
import type { ImportReport, ProjectSummary } from '../../../src-main/contract/project';
import { projectHandlers } from '../../../src-main/host/handlers/project';
import { projectFileHandlers } from '../../../src-main/host/handlers/project-files';
import { createRouter, type Handlers } from '../../../src-main/host/router';
import { UNNAMED } from '../../../src-main/dataset/import-preview';
import { decodePng8 } from '../../../src-main/dataset/io/png8';
import { closeAllStores, openStore } from '../../../src-main/dataset/store/store';
import { MAX_RECENT, recentFile } from '../../../src-main/host/recent-projects';
import { tempDir } from '../../helpers/temp';
import { bands, makeMaskPng, makePhoto } from '../../dataset/fixtures/make';

let root: string;
let cleanup: () => Promise<void>;
let source: string;
let savedConfig: string | undefined;
const router = createRouter({ ...projectHandlers, ...projectFileHandlers } as Handlers);
const events: { event: EventName; payload: unknown }[] = [];
const session: Session = { projectDir: null, transport: 'server' };
const ctx = createContext(session, (event, payload) => events.push({ event, payload }));
const call = <T>(method: string, input: unknown): Promise<T> => router.dispatch(method, input, ctx) as Promise<T>;

/** celebamask-hq raw ids: 0 background, 1 skin, 2 nose, 4 left eye, 13 hair (→ background). */
function celebaMask(width: number, height: number): Uint8Array {
  const raw = new Uint8Array(width * height);
  for (let i = 0; i < raw.length; i++) raw[i] = [0, 1, 2, 4, 13][Math.floor((i % width) / (width / 5))]!;
  return raw;
}

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-project-files-'));
  savedConfig = process.env['FACET_CONFIG_DIR'];
  process.env['FACET_CONFIG_DIR'] = join(root, 'config');
  source = join(root, 'src');
  for (let i = 0; i < 3; i++) {
    await makePhoto(join(source, 'images', `face${i}.jpg`), 40, 30);
    await makeMaskPng(join(source, 'masks', `face${i}.png`), celebaMask(40, 30), 40, 30);
  }
  await makePhoto(join(source, 'images', 'bare.jpg'), 40, 30);
  await writeFile(join(source, 'images', 'notes.txt'), 'not a photo');
});
afterAll(async () => {
  closeAllStores();
  if (savedConfig === undefined) delete process.env['FACET_CONFIG_DIR'];
  else process.env['FACET_CONFIG_DIR'] = savedConfig;
  await cleanup();
});
beforeEach(() => {
  events.length = 0;
});

describe('recent projects', () => {
  it('remembers every opened or created project, newest first, and says which are missing', async () => {
    const a = await call<ProjectSummary>('project.create', { dir: join(root, 'a'), name: 'Project A' });
    expect(a).toMatchObject({ dir: join(root, 'a'), name: 'Project A', imageCount: 0 });
    expect(session.projectDir).toBe(join(root, 'a'));
    expect(events.at(-1)).toEqual({ event: 'project.changed', payload: { dir: join(root, 'a'), imageIds: null } });
    await call('project.open', { dir: join(root, 'b'), create: true });
    await call('project.open', { dir: join(root, 'a') });
    let recent = await call<RecentProjects>('project.recent', {});
    expect(recent.problem).toBeNull();
    expect(recent.projects.map((p) => [p.dir, p.name, p.missing])).toEqual([
      [join(root, 'a'), 'Project A', false],
      [join(root, 'b'), 'b', false],
    ]);
    closeAllStores();
    await rm(join(root, 'b'), { recursive: true });
    recent = await call<RecentProjects>('project.recent', {});
    expect(recent.projects.find((p) => p.dir === join(root, 'b'))).toMatchObject({ missing: true });
    recent = await call<RecentProjects>('project.forget', { dir: join(root, 'b') });
    expect(recent.projects.map((p) => p.dir)).toEqual([join(root, 'a')]);
  });

  it('reads a broken or hostile list as empty with the reason, and drops entries that do not fit', async () => {
    const file = recentFile();
    await writeFile(file, '{"version": 1, "projects": [');
    let recent = await call<RecentProjects>('project.recent', {});
    expect(recent.projects).toEqual([]);
    expect(recent.problem).toContain('not valid JSON');
    await writeFile(file, JSON.stringify({ version: 7, projects: [] }));
    expect((await call<RecentProjects>('project.recent', {})).problem).toContain('not a recent-projects list');
    const good = { dir: join(root, 'a'), name: 'A', openedAt: '2026-01-01T00:00:00.000Z' };
    await writeFile(
      file,
      JSON.stringify({ version: 1, projects: [good, { dir: 'relative/dir', name: 'x', openedAt: '' }, { dir: 42 }, 'nonsense', null, { ...good, name: 'again' }, { dir: join(root, 'x'.repeat(5000)), name: '', openedAt: '' }] }),
    );
    recent = await call<RecentProjects>('project.recent', {});
    expect(recent.problem).toBeNull();
    expect(recent.projects).toEqual([{ ...good, missing: false }]);
    // Opening rewrites the list whole, valid again.
    await call('project.open', { dir: join(root, 'a') });
    const stored = JSON.parse(await readFile(file, 'utf8')) as { version: number; projects: unknown[] };
    expect(stored.version).toBe(1);
    expect(stored.projects).toHaveLength(1);
  });

  it('keeps at most MAX_RECENT projects', async () => {
    for (let i = 0; i < MAX_RECENT + 2; i++) await call('project.open', { dir: join(root, 'many', `p${i}`), create: true });
    const recent = await call<RecentProjects>('project.recent', {});
    expect(recent.projects).toHaveLength(MAX_RECENT);
    expect(recent.projects[0]!.dir).toBe(join(root, 'many', `p${MAX_RECENT + 1}`));
  });

  it('opens the project even when the recent list cannot be written, and logs why', async () => {
    const saved = process.env['FACET_CONFIG_DIR'];
    // A file where the config folder should be: the list cannot be written there.
    await writeFile(join(root, 'not-a-folder'), '');
    process.env['FACET_CONFIG_DIR'] = join(root, 'not-a-folder');
    try {
      const summary = await call<ProjectSummary>('project.open', { dir: join(root, 'a') });
      expect(summary.dir).toBe(join(root, 'a'));
      expect(events.some((e) => e.event === 'log' && String((e.payload as { message: string }).message).includes('recent projects not saved'))).toBe(true);
    } finally {
      process.env['FACET_CONFIG_DIR'] = saved;
    }
  });
});

describe('creating a project', () => {
  it('refuses a folder with files in it, or an existing project, and leaves them alone', async () => {
    const full = join(root, 'full');
    await mkdir(full, { recursive: true });
    await writeFile(join(full, 'thesis.txt'), 'mine');
    await expect(call('project.create', { dir: full })).rejects.toMatchObject({ code: 'conflict', field: 'dir', message: expect.stringContaining('not empty') });
    expect(await readdir(full)).toEqual(['thesis.txt']);
    await expect(call('project.create', { dir: join(root, 'a') })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('open it instead') });
    await mkdir(join(root, 'empty'));
    await expect(call<ProjectSummary>('project.create', { dir: join(root, 'empty') })).resolves.toMatchObject({ name: 'empty' });
  });
});

describe('import preview', () => {
  it('lists the presets with what they read', async () => {
    const presets = await call<{ name: string; masks: string }[]>('project.presets', {});
    expect(presets).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'celebamask-hq', masks: 'index' }), expect.objectContaining({ name: 'images-only', masks: 'none' })]));
  });

  it('shows how the source values map to the classes on the first pair, and writes nothing', async () => {
    const project = join(root, 'preview-project');
    await call('project.create', { dir: project });
    const before = await readdir(project, { recursive: true });
    const preview = await call<ImportPreview>('project.previewImport', { source, preset: 'celebamask-hq' });
    expect(preview).toMatchObject({ images: 4, withMask: 3, rejectedTotal: 1 });
    expect(preview.rejected[0]!.reason).toContain('not an image file');
    const sample = preview.sample!;
    expect(sample).toMatchObject({ index: 0, count: 3, name: 'face0', problem: null, maskSize: { width: 40, height: 30 } });
    expect(sample.image.mime).toBe('image/jpeg');
    expect(sample.values).toEqual([
      { value: '0', label: 'background', pixels: 240, classIndex: 0 },
      { value: '1', label: 'skin', pixels: 240, classIndex: 1 },
      { value: '2', label: 'nose', pixels: 240, classIndex: 4 },
      { value: '4', label: 'left eye', pixels: 240, classIndex: 3 },
      { value: '13', label: 'hair', pixels: 240, classIndex: 0 },
    ]);
    // The mapped labels of the small mask at its own size: raw 2 (nose) in the third fifth → class 4.
    expect(sample.labels![20]).toBe(4);
    expect(sample.labels![39]).toBe(0);
    expect(await readdir(project, { recursive: true })).toEqual(before);
    expect(openStore(project).summary().imageCount).toBe(0);
    const second = await call<ImportPreview>('project.previewImport', { source, preset: 'celebamask-hq', pair: 2 });
    expect(second.sample!.name).toBe('face2');
    await expect(call('project.previewImport', { source, preset: 'celebamask-hq', pair: 3 })).rejects.toMatchObject({ code: 'invalid_input', field: 'pair' });
  });

  it('shows values the preset does not name instead of failing, and the import skips that mask', async () => {
    const odd = join(root, 'odd');
    await makePhoto(join(odd, 'images', 'x.jpg'), 20, 10);
    const raw = new Uint8Array(200).fill(1);
    raw.fill(9, 0, 20);
    await makeMaskPng(join(odd, 'masks', 'x.png'), raw, 20, 10);
    const preview = await call<ImportPreview>('project.previewImport', { source: odd, preset: 'labels8' });
    expect(preview.sample!.values).toEqual([
      { value: '1', label: expect.anything(), pixels: 180, classIndex: 1 },
      { value: '9', label: null, pixels: 20, classIndex: null },
    ]);
    expect(preview.sample!.labels![0]).toBe(UNNAMED);
    expect(preview.sample!.problem).toContain('value 9 not named by preset labels8');
  });

  it('says when the mask is not the photo\'s size, and names a missing source folder', async () => {
    const mismatch = join(root, 'mismatch');
    await makePhoto(join(mismatch, 'images', 'y.jpg'), 40, 30);
    await makeMaskPng(join(mismatch, 'masks', 'y.png'), bands(20, 15, 0), 20, 15);
    const preview = await call<ImportPreview>('project.previewImport', { source: mismatch, preset: 'labels8' });
    expect(preview.sample!.problem).toContain('size mismatch');
    expect(preview.sample!.labels).toHaveLength(preview.sample!.image.width * preview.sample!.image.height);
    await expect(call('project.previewImport', { source: join(root, 'nowhere'), preset: 'labels8' })).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('folder not found') });
  });
});

/** A file every export in the format writes (a format added to the contract needs its line here). */
const LAYOUT: Record<ExportFormatName, string> = {
  labels8: 'masks/face2.png',
  'seed-18': 'masks/face2.png',
  'celebamask-hq': 'masks/face2.png',
  coco: 'annotations/instances_default.json',
  'cvat-mask': 'SegmentationClass/face2.png',
  'label-studio': 'tasks.json',
};

describe('import with a split file, and export', () => {
  it('fixes splits from a file, then exports each format with progress', async () => {
    const project = join(root, 'export-project');
    await call('project.create', { dir: project });
    const splitFile = join(root, 'splits.txt');
    await writeFile(splitFile, '# fixed\nface0 test\nface1.jpg val\n');
    const report = await call<ImportReport>('project.import', { source, preset: 'celebamask-hq', splitFile });
    expect(report).toMatchObject({ imported: 4, skipped: 1 });
    const store = openStore(project);
    expect(store.rowByName('face0')).toMatchObject({ split: 'test', split_fixed: 1 });
    expect(store.rowByName('face1')).toMatchObject({ split: 'val', split_fixed: 1 });

    for (const { name } of EXPORT_FORMATS) {
      events.length = 0;
      const out = join(root, 'exports', name);
      const exported = await call<ExportReportData>('project.export', { out, format: name, overlay: true });
      expect(exported).toMatchObject({ format: name, out, exported: 3, withoutMask: 1, refused: [] });
      expect(events.filter((e) => e.event === 'export.progress').map((e) => (e.payload as { done: number }).done)).toEqual([1, 2, 3]);
      expect(existsSync(join(out, LAYOUT[name])), `${name} writes ${LAYOUT[name]}`).toBe(true);
      expect((await readdir(join(out, 'overlays'))).sort()).toEqual(['face0.jpg', 'face1.jpg', 'face2.jpg']);
    }
    // celebamask-hq writes its own ids back: the source's raw 4 (left eye → class 3) returns as 4; hair (13) became background 0.
    const png = decodePng8(await readFile(join(root, 'exports', 'celebamask-hq', 'masks', 'face0.png')));
    expect([png.samples[0], png.samples[10], png.samples[20], png.samples[30], png.samples[39]]).toEqual([0, 1, 2, 4, 0]);

    // Another tool's format previews through its own reader: our CVAT export, read back, shows the classes it holds.
    const cvat = await call<ImportPreview>('project.previewImport', { source: join(root, 'exports', 'cvat-mask'), preset: 'cvat-mask' });
    expect(cvat).toMatchObject({ images: 3, withMask: 3 });
    expect(cvat.sample!.problem).toBeNull();
    expect(cvat.sample!.values.map((v) => [v.value, v.classIndex, v.pixels])).toEqual([
      ['background', 0, 480],
      ['skin', 1, 240],
      ['eyes', 3, 240],
      ['nose', 4, 240],
    ]);

    const onlyTest = await call<ExportReportData>('project.export', { out: join(root, 'exports', 'test-only'), format: 'labels8', split: 'test', images: false });
    expect(onlyTest).toMatchObject({ exported: 1 });
    expect(existsSync(join(root, 'exports', 'test-only', 'images'))).toBe(false);
    const onlyDone = await call<ExportReportData>('project.export', { out: join(root, 'exports', 'unlabeled'), format: 'labels8', status: 'unlabeled' });
    expect(onlyDone).toMatchObject({ exported: 0, withoutMask: 1 });
  });

  it('refuses an unknown format, an export into the project, and names a bad split file', async () => {
    const project = join(root, 'export-project');
    await call('project.open', { dir: project });
    await expect(call('project.export', { out: join(root, 'x'), format: 'tiff-stack' })).rejects.toMatchObject({ code: 'invalid_input', field: 'format' });
    await expect(call('project.export', { out: join(project, 'out'), format: 'labels8' })).rejects.toMatchObject({ code: 'invalid_input', field: 'out' });
    await expect(call('project.export', { out: project, format: 'labels8' })).rejects.toMatchObject({ code: 'invalid_input', field: 'out' });
    await expect(call('project.export', { out: root, format: 'labels8' })).rejects.toMatchObject({ code: 'invalid_input', field: 'out' });
    const bad = join(root, 'bad-splits.txt');
    await writeFile(bad, 'face0 holdout\n');
    await expect(call('project.import', { source, preset: 'celebamask-hq', splitFile: bad })).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining('"face0" has split "holdout"') });
  });

  it('reports the rows a tampered database records unsafely as refused, writing nothing of them', async () => {
    const project = join(root, 'export-project');
    await call('project.open', { dir: project });
    const store = openStore(project);
    store.db.prepare("UPDATE images SET name = '../escape' WHERE name = 'face2'").run();
    const out = join(root, 'exports', 'tampered');
    const report = await call<ExportReportData>('project.export', { out, format: 'labels8' });
    expect(report.exported).toBe(2);
    expect(report.refused).toEqual([{ name: '../escape', reason: expect.any(String) }]);
    expect((await readdir(join(out, 'masks'))).sort()).toEqual(['face0.png', 'face1.png']);
    expect(existsSync(join(root, 'exports', 'escape.png'))).toBe(false);
  });
});
