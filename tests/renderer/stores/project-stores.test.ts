/// <reference path="../../../src-renderer/env.d.ts" />
// The project room's stores against a scripted host: the start screen's "no project" and "no
// images" cases, switching projects, the import that waits for a preview of exactly the folder
// and preset it will import, the split choices it sends, and export's inputs and report.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProjectSummary } from '../../../src-main/contract/project';
import type { ImportPreview } from '../../../src-main/contract/project-files';
import { ApiError } from '../../../src-main/contract/errors';
import { joinFolder, useProjectStore } from '../../../src-renderer/stores/project';
import { importInput, useProjectImportStore, type ImportForm } from '../../../src-renderer/stores/project-import';
import { useProjectExportStore } from '../../../src-renderer/stores/project-export';
import { installScriptedApi, type ScriptedApi, type Script } from './fake-api';

let calls: ScriptedApi['calls'];

function install(script: Script): void {
  calls = installScriptedApi(script).calls;
}

function summary(dir: string, imageCount: number): ProjectSummary {
  const zero = { unlabeled: 0, predicted: 0, 'in-progress': 0, done: 0, reviewed: 0 };
  return { dir, name: dir.split('/').at(-1)!, imageCount, byStatus: { ...zero, done: imageCount }, bySplit: { train: imageCount, val: 0, test: 0, unassigned: 0 }, currentModel: null };
}

function preview(source: string, preset: string): ImportPreview {
  return { source, preset, imagesDir: `${source}/images`, masksDir: `${source}/masks`, images: 2, withMask: 2, rejected: [], rejectedTotal: 0, sample: null };
}

beforeEach(() => setActivePinia(createPinia()));

describe('project store', () => {
  it('is empty (the start screen) with no project open, without calling it an error', async () => {
    install({
      'project.summary': () => {
        throw new ApiError({ code: 'not_found', message: 'no project is open (project.open first)' });
      },
    });
    const p = useProjectStore();
    expect(p.isEmpty).toBe(false); // not known before the first load
    await p.load();
    expect(p).toMatchObject({ none: true, isEmpty: true, error: null, summary: null });
  });

  it('is empty for a project without images, and not once it has some', async () => {
    let count = 0;
    install({ 'project.summary': () => summary('/p', count) });
    const p = useProjectStore();
    await p.load();
    expect(p.isEmpty).toBe(true);
    count = 3;
    await p.load();
    expect(p.isEmpty).toBe(false);
  });

  it('creates and opens projects, refreshing the recent list, and keeps the open one on failure', async () => {
    install({
      'project.create': (input) => summary(input.dir, 0),
      'project.open': (input) => {
        if (input.dir === '/gone') throw new ApiError({ code: 'not_found', message: '/gone: not a Facet project' });
        return summary(input.dir, 5);
      },
      'project.recent': () => ({ projects: [{ dir: '/work/a', name: 'a', openedAt: '', missing: false }], problem: null }),
    });
    const p = useProjectStore();
    expect(await p.create(joinFolder('/work/', ' a '), ' My faces ')).toBe(true);
    expect(calls[0]).toEqual({ method: 'project.create', input: { dir: '/work/a', name: 'My faces' } });
    expect(p.summary?.dir).toBe('/work/a');
    expect(p.recent.projects).toHaveLength(1);
    expect(await p.open('/b')).toBe(true);
    expect(p.summary).toMatchObject({ dir: '/b', imageCount: 5 });
    expect(await p.open('/gone')).toBe(false);
    expect(p.switchError).toContain('not a Facet project');
    expect(p.summary?.dir).toBe('/b');
  });

  it('joins a parent folder and a name with the parent\'s separator', () => {
    expect(joinFolder('/home/me/', 'faces')).toBe('/home/me/faces');
    expect(joinFolder('C:\\Users\\me', 'faces')).toBe('C:\\Users\\me\\faces');
  });
});

describe('import store', () => {
  it('sends the split choice the form shows', () => {
    const form: ImportForm = { source: ' /data ', preset: 'celebamask-hq', mode: 'copy', split: 'ratios', ratios: [70, 20, 10], seed: 4, splitFile: '/s.txt', overwriteEdits: false, overwriteReviewed: true };
    expect(importInput(form)).toEqual({ source: '/data', preset: 'celebamask-hq', mode: 'copy', overwriteEdits: false, overwriteReviewed: false, split: { ratios: [70, 20, 10], seed: 4 } });
    expect(importInput({ ...form, split: 'none' })).toMatchObject({ split: 'none' });
    const fromFile = importInput({ ...form, split: 'file', overwriteEdits: true });
    expect(fromFile).toMatchObject({ splitFile: '/s.txt', overwriteEdits: true, overwriteReviewed: true });
    expect(fromFile).not.toHaveProperty('split');
  });

  it('imports only after a preview of the same folder and preset', async () => {
    install({
      'project.previewImport': (input) => preview(input.source, input.preset),
      'project.import': () => ({ imported: 2, updated: 0, unchanged: 0, kept: 0, skipped: 0, files: [], seconds: 1 }),
    });
    const imp = useProjectImportStore();
    imp.form.source = '/data';
    expect(imp.canImport).toBe(false);
    expect(await imp.start()).toBe(false);
    expect(calls.some((c) => c.method === 'project.import')).toBe(false);
    await imp.showPreview();
    expect(imp.canImport).toBe(true);
    imp.form.preset = 'labels8';
    expect(imp.canImport).toBe(false);
    await imp.showPreview();
    imp.form.split = 'file';
    expect(imp.canImport).toBe(false); // no split file named yet
    imp.form.splitFile = '/splits.txt';
    expect(await imp.start()).toBe(true);
    expect(calls.at(-1)).toEqual({ method: 'project.import', input: expect.objectContaining({ source: '/data', preset: 'labels8', splitFile: '/splits.txt' }) });
    expect(imp.report?.imported).toBe(2);
  });

  it('shows the host\'s reason when the preview fails, and drops the old preview', async () => {
    install({
      'project.previewImport': (input) => {
        if (input.source === '/missing') throw new ApiError({ code: 'not_found', message: '/missing: folder not found' });
        return preview(input.source, input.preset);
      },
    });
    const imp = useProjectImportStore();
    imp.form.source = '/data';
    await imp.showPreview();
    imp.form.source = '/missing';
    await imp.showPreview();
    expect(imp.error).toBe('/missing: folder not found');
    expect(imp.preview).toBeNull();
    expect(imp.canImport).toBe(false);
  });
});

describe('export store', () => {
  it('sends only the filters chosen and keeps the report with refused rows', async () => {
    install({
      'project.export': (input) => ({ format: input.format, out: input.out, exported: 1, withoutMask: 0, refused: [{ name: '../x', reason: 'unsafe name' }], seconds: 0.1 }),
    });
    const exp = useProjectExportStore();
    expect(await exp.run()).toBe(false);
    expect(exp.error).toContain('choose the folder');
    exp.form.out = '/out';
    exp.form.format = 'celebamask-hq';
    exp.form.split = 'test';
    expect(await exp.run()).toBe(true);
    expect(calls.at(-1)!.input).toEqual({ out: '/out', format: 'celebamask-hq', split: 'test', overlay: true, images: true });
    expect(exp.report?.refused).toHaveLength(1);
  });
});
