// Builds a copy of better-sqlite3's native module for the installed Electron's ABI into
// out/native/, leaving node_modules built for Node (the CLI and the tests use that one).
// Runs before `npm start`; needs the Electron headers, which node-gyp downloads once.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const target = join(root, 'out/native/better_sqlite3.node');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const stamp = `${target}.electron-${electronVersion}`;

if (existsSync(target) && existsSync(stamp)) process.exit(0);

const source = dirname(require.resolve('better-sqlite3/package.json'));
const work = mkdtempSync(join(tmpdir(), 'facet-native-'));
try {
  cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) });
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  console.log(`building better-sqlite3 for Electron ${electronVersion}...`);
  execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'], {
    cwd: work,
    stdio: 'inherit',
  });
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(work, 'build/Release/better_sqlite3.node'), target);
  writeFileSync(stamp, new Date().toISOString());
} finally {
  rmSync(work, { recursive: true, force: true });
}
