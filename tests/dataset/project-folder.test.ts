// Making a project folder: refused with a clear error on kernel file systems (/proc, where Node's
// recursive mkdir never returns) and where a parent is a file; each case runs in a child process
// with a kill timeout, so a regression fails instead of hanging the suite.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-folder-make-')));
afterAll(() => cleanup());

const script = fileURLToPath(new URL('./fixtures/open-project.ts', import.meta.url));

/** The child's one JSON line, or `killed` when it had to be killed after 20 s. */
function openInChild(dir: string): Promise<{ ok?: string; code?: string; message?: string } | 'killed'> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, dir], { timeout: 20_000, killSignal: 'SIGKILL' }, (error, stdout) => {
      if (error && (error as { killed?: boolean }).killed) resolve('killed');
      else resolve(JSON.parse(stdout.trim() || '{}') as { ok?: string });
    });
  });
}

describe.skipIf(process.platform !== 'linux')('project folder creation', () => {
  it('refuses /proc/self and a folder below it with a clear error instead of hanging', async () => {
    for (const dir of ['/proc/self', '/proc/self/x']) {
      const result = await openInChild(dir);
      expect(result, dir).toMatchObject({ code: 'bad_file', message: expect.stringContaining('is inside /proc, a virtual file system of the kernel') });
    }
  });

  it('makes missing parents, and names the file that is in the way', async () => {
    const made = await openInChild(join(root, 'a', 'b', 'project'));
    expect(made).toEqual({ ok: join(root, 'a', 'b', 'project') });
    expect(existsSync(join(root, 'a', 'b', 'project', 'facet.db'))).toBe(true);
    await writeFile(join(root, 'file'), 'x');
    const blocked = await openInChild(join(root, 'file', 'project'));
    expect(blocked).toMatchObject({ code: 'bad_file', message: `${join(root, 'file')}: exists and is not a folder, so the project ${join(root, 'file', 'project')} cannot be made there` });
  });
});
