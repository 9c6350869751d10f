// The loopback API server in a child process of its own (API only, no renderer build needed), so
// a test sees what `facet serve` users see: a crash ends the process instead of being caught by
// the test runner as an unhandled error.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface ApiServerProcess {
  port: number;
  token: string;
  /** Everything the process wrote, and how it ended (null while it runs). */
  output(): string;
  exitCode(): number | null;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('./api-server-main.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

export async function startApiServerProcess(projectDir: string): Promise<ApiServerProcess> {
  const child = spawn(process.execPath, ['--import', tsx, script, projectDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API server printed no address in 60 s:\n${out}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /listening (\d+) ([0-9a-f]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), token: match[2]! });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API server exited with ${code}:\n${out}`));
    });
  });
  return {
    port,
    token,
    output: () => out,
    exitCode: () => child.exitCode,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
