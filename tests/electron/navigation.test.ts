// Which URLs are the studio's, on parsed origins: the dev-server look-alike
// `http://localhost:5173.evil.example` is not the dev server, whatever its text prefix.
import { expect, it } from 'vitest';
import { devServerOrigin, externalUrl, isAppUrl } from '../../src-main/electron/navigation';

it('matches the app origin exactly', () => {
  const dev = 'http://localhost:5173';
  expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
  expect(isAppUrl('http://localhost:5173/#/train?x=1', dev)).toBe(true);
  for (const url of ['http://localhost:5173.evil.example/', 'http://localhost:51730/', 'https://localhost:5173/', 'http://user@localhost:5173/', 'http://127.0.0.1:5173/', 'javascript:alert(1)', 'not a url']) {
    expect(isAppUrl(url, dev), url).toBe(false);
  }
  expect(isAppUrl('app://studio/index.html', 'app://studio')).toBe(true);
  expect(isAppUrl('app://studio.evil/index.html', 'app://studio')).toBe(false);
  expect(isAppUrl('file:///etc/passwd', 'app://studio')).toBe(false);
});

it('accepts a dev server only over http on a loopback host', () => {
  expect(devServerOrigin('http://localhost:5173')).toBe('http://localhost:5173');
  expect(devServerOrigin('http://127.0.0.1:5173/')).toBe('http://127.0.0.1:5173');
  for (const url of ['https://example.com', 'http://localhost.evil.example:5173', 'http://evil.example', 'file:///x/index.html', 'http://a:b@localhost:5173', '']) {
    expect(devServerOrigin(url), url).toBeNull();
  }
  expect(devServerOrigin(undefined)).toBeNull();
});

it('lets only https links out, to the browser', () => {
  expect(externalUrl('https://example.com/a')).toBe('https://example.com/a');
  for (const url of ['http://example.com', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'https://u:p@example.com']) expect(externalUrl(url), url).toBeNull();
});
