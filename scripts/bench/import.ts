// Benchmark (not a test): imports the 801 CelebAMask-HQ images into a fresh temp project and
// prints images/s, then (untimed) checks every stored mask's class pixel counts against a direct
// mapping of its source mask (decoded by fast-png, an independent decoder).
// `npm run bench:import [-- --link] [-- --concurrency N]`; data from FACET_DATA or ../shared/data.
// The temp project is removed afterwards.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { decode } from 'fast-png';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFolder } from '../../src-main/dataset/import';
import { loadPreset } from '../../src-main/dataset/presets/load';
import { openStore, closeAllStores } from '../../src-main/dataset/store/store';
import { readMask } from '../../src-main/dataset/store/revisions';

/** The data README's mapping of CelebAMask-HQ labels to the 8 classes (everything else background). */
const CELEBA_TO_8: Record<number, number> = { 1: 1, 6: 2, 7: 2, 4: 3, 5: 3, 2: 4, 10: 5, 11: 5, 12: 5, 8: 6, 9: 6, 3: 7 };

const repo = fileURLToPath(new URL('../..', import.meta.url));
const source = resolve(process.env['FACET_DATA'] ?? resolve(repo, '../shared/data'), 'celebamask-hq-800');
const args = process.argv.slice(2);
const mode = args.includes('--link') ? 'link' : 'copy';
const concurrencyArg = args[args.indexOf('--concurrency') + 1];
const concurrency = args.includes('--concurrency') && concurrencyArg ? Number(concurrencyArg) : 3;

const dir = await mkdtemp(join(tmpdir(), 'facet-bench-import-'));
try {
  const store = openStore(join(dir, 'project'), { create: true });
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const report = await importFolder(store, { source, preset: loadPreset('celebamask-hq'), mode, concurrency });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU time (this process and sharp's threads) per image: steadier than wall time on a shared machine.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerImage = (cpu.user + cpu.system) / 1000 / Math.max(1, report.imported);
  const summary = store.summary();
  process.stdout.write(
    `import ${report.imported} images (${mode}, concurrency ${concurrency}) from ${source}: ${seconds.toFixed(2)} s, ` +
      `${(report.imported / seconds).toFixed(1)} images/s; ${cpuMsPerImage.toFixed(1)} ms CPU per image; load ${loadavg()[0]!.toFixed(1)}; skipped ${report.skipped}; ` +
      `splits train ${summary.bySplit.train} / val ${summary.bySplit.val} / test ${summary.bySplit.test}\n`,
  );
  let mismatched = 0;
  for (const row of store.allRows()) {
    const raw = decode(await readFile(join(source, 'masks', `${row.name}.png`)));
    const expected = new Array<number>(8).fill(0);
    for (const v of raw.data as Uint8Array) expected[CELEBA_TO_8[v] ?? 0]!++;
    const got = new Array<number>(8).fill(0);
    for (const v of (await readMask(store, row.id)).labels) got[v]!++;
    if (got.join() !== expected.join()) {
      mismatched++;
      process.stdout.write(`  class counts differ for ${row.name}: ${got.join(',')} vs ${expected.join(',')}\n`);
    }
  }
  process.stdout.write(`class pixel counts of ${store.allRows().length} stored masks vs direct mapping: ${mismatched === 0 ? 'all exact' : `${mismatched} differ`}\n`);
  if (mismatched > 0) process.exitCode = 1;
  if (report.skipped > 0) for (const f of report.files.filter((f) => f.outcome === 'skipped')) process.stdout.write(`  skipped: ${f.reason}\n`);
} finally {
  closeAllStores();
  await rm(dir, { recursive: true, force: true });
}
