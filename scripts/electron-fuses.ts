// Flips the Electron fuses of a packaged app's binary (settings and reasons: src-main/electron/fuses.ts).
// Run after packaging, on the executable inside the package:
//   npx tsx scripts/electron-fuses.ts <path/to/Facet Studio(.exe|.app)> [--asar]
// As an electron-builder afterPack hook: call flipAppFuses(join(context.appOutDir, <executable>), true).
// Needs the dev dependency @electron/fuses (not installed by default: `npm install -D @electron/fuses`).
import { fuseSettings } from '../src-main/electron/fuses';

interface FusesModule {
  flipFuses(binary: string, config: Record<string | number, unknown>): Promise<unknown>;
  FuseVersion: { V1: string | number };
  FuseV1Options: Record<string, string | number>;
}

export async function flipAppFuses(binary: string, packagedAsAsar: boolean): Promise<void> {
  let fuses: FusesModule;
  try {
    fuses = (await import('@electron/fuses' as string)) as FusesModule;
  } catch {
    throw new Error('@electron/fuses is not installed: npm install -D @electron/fuses');
  }
  const config: Record<string | number, unknown> = { version: fuses.FuseVersion.V1, resetAdHocDarwinSignature: process.platform === 'darwin' };
  for (const [name, enabled] of Object.entries(fuseSettings(packagedAsAsar))) {
    const option = fuses.FuseV1Options[name];
    if (option === undefined) throw new Error(`@electron/fuses has no fuse ${name}: update it or src-main/electron/fuses.ts`);
    config[option] = enabled;
  }
  await fuses.flipFuses(binary, config);
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
