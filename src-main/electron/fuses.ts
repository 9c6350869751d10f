// The Electron fuses the packaged app is built with (flipped in the binary at packaging time by
// scripts/electron-fuses.ts, with @electron/fuses): features an attacker could use to run code
// through the app's binary are switched off. Keys are @electron/fuses' FuseV1Options names.
export interface FuseChoice {
  enabled: boolean;
  why: string;
}

export const FUSES = {
  // Batches and predictions run in worker threads of the app's own process, so nothing needs the
  // binary as a plain Node.
  RunAsNode: { enabled: false, why: 'ELECTRON_RUN_AS_NODE cannot turn the app binary into a plain Node' },
  EnableCookieEncryption: { enabled: true, why: 'cookies at rest encrypted with the OS key store' },
  EnableNodeOptionsEnvironmentVariable: { enabled: false, why: 'NODE_OPTIONS cannot inject code into the app' },
  EnableNodeCliInspectArguments: { enabled: false, why: '--inspect cannot attach a debugger to the app' },
  LoadBrowserProcessSpecificV8Snapshot: { enabled: false, why: 'one V8 snapshot, nothing extra to load' },
  GrantFileProtocolExtraPrivileges: { enabled: false, why: 'the renderer is served from app://, file:// pages get no extra rights' },
} as const satisfies Record<string, FuseChoice>;

/** Only for an app packaged as app.asar: the app code must come from a verified archive. */
export const ASAR_FUSES = {
  EnableEmbeddedAsarIntegrityValidation: { enabled: true, why: 'app.asar is checked against its hash' },
  OnlyLoadAppFromAsar: { enabled: true, why: 'no loose app folder can replace app.asar' },
} as const satisfies Record<string, FuseChoice>;

export type FuseName = keyof typeof FUSES | keyof typeof ASAR_FUSES;

/** The fuse settings for a package, by name. */
export function fuseSettings(packagedAsAsar: boolean): Record<FuseName, boolean> | Record<keyof typeof FUSES, boolean> {
  const all = packagedAsAsar ? { ...FUSES, ...ASAR_FUSES } : FUSES;
  return Object.fromEntries(Object.entries(all).map(([name, choice]) => [name, choice.enabled])) as Record<FuseName, boolean>;
}
