// A small project imported from the real data with the `facet import` CLI, as a user would make it.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { celebaDir } from './requirements';

const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
const run = promisify(execFile);

/**
 * Copies the first `count` image/mask pairs (sorted) into `root/src` and imports them into
 * `root/project`. Returns both folders and the photo names.
 */
export async function importRealSubset(root: string, count: number): Promise<{ src: string; project: string; names: string[] }> {
  const src = join(root, 'src');
  await mkdir(join(src, 'images'), { recursive: true });
  await mkdir(join(src, 'masks'), { recursive: true });
  const names = (await readdir(join(celebaDir(), 'images'))).filter((n) => n.endsWith('.jpg')).sort().slice(0, count);
  for (const n of names) {
    const mask = n.replace(/\.jpg$/, '.png');
    await copyFile(join(celebaDir(), 'images', n), join(src, 'images', n));
    await copyFile(join(celebaDir(), 'masks', mask), join(src, 'masks', mask));
  }
  const project = join(root, 'project');
  await run(process.execPath, [bin, 'import', src, '--project', project, '--preset', 'celebamask-hq', '--no-progress']);
  return { src, project, names };
}
