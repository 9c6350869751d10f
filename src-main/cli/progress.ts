// A progress bar on stderr for long dataset commands (silent when stderr is not a terminal).
import { basename } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total: number, file: string): void;
  stop(): void;
}

export function progressBar(label: string, enabled: boolean): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {file}`, hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total, file) {
      const name = basename(file);
      const short = name.length > 40 ? `…${name.slice(-39)}` : name;
      if (!started) {
        bar.start(total, done, { file: short });
        started = true;
      } else bar.update(done, { file: short });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
