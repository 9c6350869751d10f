// A 10-image project linked (not copied) from the real data, with fixed splits 7 train / 2 val /
// 1 test, for the training tests.
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { importFolder } from '../../../src-main/dataset/import';
import { loadPreset } from '../../../src-main/dataset/presets/load';
import { openStore } from '../../../src-main/dataset/store/store';
import { celebaDir } from '../../helpers/requirements';

export async function linkedProject(root: string): Promise<string> {
  const source = join(root, 'source');
  mkdirSync(join(source, 'images'), { recursive: true });
  mkdirSync(join(source, 'masks'));
  const names = readdirSync(join(celebaDir(), 'images')).sort().slice(0, 10).map((f) => f.replace(/\.jpg$/, ''));
  for (const n of names) {
    symlinkSync(join(celebaDir(), 'images', `${n}.jpg`), join(source, 'images', `${n}.jpg`));
    symlinkSync(join(celebaDir(), 'masks', `${n}.png`), join(source, 'masks', `${n}.png`));
  }
  const project = join(root, 'project');
  const fixed = new Map(names.map((n, i) => [n, i < 7 ? 'train' : i < 9 ? 'val' : 'test'] as const));
  await importFolder(openStore(project, { create: true }), { source, preset: loadPreset('celebamask-hq'), mode: 'link', fixedSplits: fixed });
  return project;
}
