// Where this host keeps its own small settings (recent projects): `FACET_CONFIG_DIR`, else the
// platform's per-user config folder (XDG on Linux, Application Support on macOS, AppData on Windows).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const explicit = env['FACET_CONFIG_DIR'];
  if (explicit) return resolve(explicit);
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'facet-studio');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'facet-studio');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'facet-studio');
}
