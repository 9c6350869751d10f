// Strict TypeScript is part of the contract: main, tests and renderer must compile with no error.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

async function compile(bin: string, project: string): Promise<string> {
  try {
    await run(process.execPath, [bin, '--noEmit', '-p', project], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    return '';
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return `${stdout}${stderr}`.trim() || String(error);
  }
}

describe('typecheck', () => {
  it('main process, CLI, scripts and tests compile under strict settings', async () => {
    expect(await compile(require.resolve('typescript/bin/tsc'), 'tsconfig.json')).toBe('');
  });

  it('the renderer (Vue components included) compiles under strict settings', async () => {
    expect(await compile(require.resolve('vue-tsc/bin/vue-tsc.js'), 'tsconfig.renderer.json')).toBe('');
  });
});
