import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));

describe('facet CLI', () => {
  it('prints help with its subcommands', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    expect(stdout).toContain('Usage: facet');
    expect(stdout).toContain('serve');
  });

  it('fails with the option name on a bad value', async () => {
    await expect(run(process.execPath, [bin, 'serve', '--port', 'abc'])).rejects.toMatchObject({
      stderr: expect.stringContaining('not a port: abc'),
    });
  });
});
