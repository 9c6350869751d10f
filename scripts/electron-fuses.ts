// Flips the Electron fuses of a packaged app's binary (settings and reasons: src-main/electron/fuses.ts).
// Run after packaging, on the executable inside the package:
//   npx tsx scripts/electron-fuses.ts <path/to/Facet Studio(.exe|.app)> [--asar]
// As an electron-builder afterPack hook: call flipAppFuses(join(context.appOutDir, <executable>), true).
import { FuseV1Options, FuseVersion, flipFuses, type FuseV1Config } from '@electron/fuses';
import { fuseSettings } from '../src-main/electron/fuses';

export async function flipAppFuses(binary: string, packagedAsAsar: boolean): Promise<void> {
  const config: FuseV1Config = { version: FuseVersion.V1, resetAdHocDarwinSignature: process.platform === 'darwin' };
  for (const [name, enabled] of Object.entries(fuseSettings(packagedAsAsar))) {
    const option = FuseV1Options[name as keyof typeof FuseV1Options];
    // A fuse named here that this @electron/fuses does not know would be silently left as shipped.
    if (option === undefined) throw new Error(`@electron/fuses has no fuse ${name}: update it or src-main/electron/fuses.ts`);
    config[option] = enabled;
  }
  await flipFuses(binary, config);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [binary, ...flags] = process.argv.slice(2);
  if (!binary) {
    process.stderr.write('usage: tsx scripts/electron-fuses.ts <app executable> [--asar]\n');
    process.exit(1);
  }
  await flipAppFuses(binary, flags.includes('--asar'));
  process.stdout.write(`fuses set on ${binary}\n`);
}
