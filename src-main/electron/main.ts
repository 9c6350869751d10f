// Electron entry: where the bundled files are, then the app (src-main/electron/app.ts). Every
// decision — window settings, navigation and permission rules, the renderer protocol — lives in
// small modules under electron/, unit-tested against a stub of the electron module.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startApp } from './app';

// better-sqlite3 built for Electron's ABI by `npm start` (scripts/electron-native.mjs); the
// copy in node_modules stays built for Node so the CLI and tests keep working.
const electronSqlite = join(import.meta.dirname, '../native/better_sqlite3.node');
if (existsSync(electronSqlite)) process.env['FACET_SQLITE_BINDING'] ??= electronSqlite;

startApp({
  rendererDir: join(import.meta.dirname, '../renderer'),
  preload: join(import.meta.dirname, '../preload/preload.cjs'),
  devUrl: process.env['ELECTRON_RENDERER_URL'],
});
