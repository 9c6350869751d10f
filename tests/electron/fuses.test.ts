// The fuses the package is built with: code-injection paths off.
import { expect, it } from 'vitest';
import { fuseSettings } from '../../src-main/electron/fuses';

it('switches off RunAsNode, NODE_OPTIONS, --inspect and file:// privileges; asar checks only for an asar package', () => {
  const loose = fuseSettings(false);
  expect(loose).toMatchObject({ EnableNodeOptionsEnvironmentVariable: false, EnableNodeCliInspectArguments: false, GrantFileProtocolExtraPrivileges: false, EnableCookieEncryption: true });
  expect(loose).not.toHaveProperty('OnlyLoadAppFromAsar');
  expect(fuseSettings(true)).toMatchObject({ EnableEmbeddedAsarIntegrityValidation: true, OnlyLoadAppFromAsar: true });
  expect(loose.RunAsNode).toBe(false);
});

it('names every fuse that @electron/fuses knows, and only those', async () => {
  const { FuseV1Options } = await import('@electron/fuses');
  const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
  expect(Object.keys(fuseSettings(true)).sort()).toEqual(known.sort());
});
