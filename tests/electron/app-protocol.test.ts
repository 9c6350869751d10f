// The app:// protocol serves only files of the renderer folder: traversal in any spelling, other
// hosts and other schemes get nothing.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { APP_CSP, appFileOf, mimeOf } from '../../src-main/electron/app-protocol';

const root = '/opt/facet/renderer';

it('maps app://studio paths to files inside the renderer folder', () => {
  expect(appFileOf('app://studio/', root)).toBe(join(root, 'index.html'));
  expect(appFileOf('app://studio/index.html', root)).toBe(join(root, 'index.html'));
  expect(appFileOf('app://studio/assets/index-abc.js?v=1#x', root)).toBe(join(root, 'assets/index-abc.js'));
  expect(appFileOf('app://studio/a%20b.png', root)).toBe(join(root, 'a b.png'));
});

it('refuses traversal, other hosts and other schemes', () => {
  for (const url of [
    'app://studio/..%2f..%2fetc%2fpasswd',
    'app://studio/%2e%2e/%2e%2e/etc/passwd',
    'app://studio/assets/..%2F..%2F..%2Fetc/passwd',
    'app://studio/a%5c..%5c..%5cx',
    'app://studio/a%00.js',
    'app://studio/%E0%A4%A',
    'app://other/index.html',
    'file:///opt/facet/renderer/index.html',
    'http://studio/index.html',
  ]) {
    const file = appFileOf(url, root);
    if (file !== null) expect(file.startsWith(`${root}/`), `${url} -> ${file}`).toBe(true);
    else expect(file, url).toBeNull();
  }
  expect(appFileOf('app://studio/..%2f..%2fetc%2fpasswd', root)).toBeNull();
  expect(appFileOf('app://other/index.html', root)).toBeNull();
});

it('answers with a type per extension and a CSP without network access', () => {
  expect(mimeOf('/x/index.html')).toMatch(/^text\/html/);
  expect(mimeOf('/x/a.JS')).toMatch(/^text\/javascript/);
  expect(mimeOf('/x/blob.bin')).toBe('application/octet-stream');
  expect(APP_CSP).toContain("connect-src 'self'");
  expect(APP_CSP).not.toMatch(/ws:|http:/);
});
