// Models side by side on the val split as it is and under constructed camera and pose shifts
// (bench/shifts.ts): mean F1 over the 7 face parts per shift, and per part for the shifts' mean.
// A proxy for other cameras and poses on the photos we have: the val photos are never trained on.
//
//   npm run bench:robustness -- [--models default,DIR,...] [--shifts none,gray-jpeg,rotated,low-res,rot-lowres]
//     [--limit N] [--data DIR] [--json]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLASS_NAMES } from '../../src-main/contract/classes';
import { runConfigSchema } from '../../src-main/contract/training';
import { openDataSource } from '../../src-main/dataset/loader';
import { initEngine } from '../../src-main/engine/backend/index';
import { readModelMeta } from '../../src-main/engine/infer/model-dir';
import { locateModel } from '../../src-main/engine/infer/model-folder';
import { loadAt, scoreFolder, SHIFTS, writeFolder } from './shifts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'default' },
    shifts: { type: 'string', default: 'none,gray-jpeg,rotated,low-res,rot-lowres' },
    limit: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const shiftNames = values.shifts.split(',');
for (const s of shiftNames) if (s !== 'none' && !SHIFTS[s]) throw new Error(`--shifts: unknown shift ${s} (none, ${Object.keys(SHIFTS).join(', ')})`);
const dataDir = resolve(values.data ?? process.env['FACET_DATA'] ?? resolve(ROOT, '..', 'shared', 'data'), 'celebamask-hq-800');
const limit = values.limit === undefined ? null : Number(values.limit);

const engine = await initEngine();
const models = values.models.split(',').map((m) => ({ name: m, dir: locateModel({ model: m }).dir }));
const source = await openDataSource(runConfigSchema.shape.data.parse({ kind: 'folder', dir: dataDir, preset: 'celebamask-hq' }));
const val = limit ? source.val.slice(0, limit) : source.val;
const work = await mkdtemp(join(tmpdir(), 'facet-bench-robustness-'));
const rows: { model: string; shift: string; meanF1Face: number; f1: number[] }[] = [];
try {
  const sizes = new Set(await Promise.all(models.map(async (m) => (await readModelMeta(m.dir)).inputSize)));
  for (const size of sizes) {
    const samples = await loadAt(val, size);
    for (const shift of shiftNames) {
      const dir = await writeFolder(join(work, `${shift}-${size}`), samples, size, shift === 'none' ? null : SHIFTS[shift]!);
      for (const m of models) {
        if ((await readModelMeta(m.dir)).inputSize !== size) continue;
        const r = await scoreFolder(m.dir, dir);
        rows.push({ model: m.name, shift, ...r });
        if (!values.json) process.stdout.write(`${m.name} · ${shift}: mean F1 (face) ${r.meanF1Face.toFixed(4)}\n`);
      }
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
if (values.json) {
  process.stdout.write(JSON.stringify({ backend: engine.backend, images: val.length, rows }, null, 1) + '\n');
} else {
  process.stdout.write(`\n${val.length} val photos of ${dataDir}, backend ${engine.backend}; mean F1 over the 7 face parts\n\n`);
  process.stdout.write(`| model | ${shiftNames.join(' | ')} | shifted mean |\n|---|${shiftNames.map(() => '---:|').join('')}---:|\n`);
  for (const m of models) {
    const mine = rows.filter((r) => r.model === m.name);
    const shifted = mine.filter((r) => r.shift !== 'none');
    const mean = shifted.reduce((a, r) => a + r.meanF1Face, 0) / Math.max(1, shifted.length);
    process.stdout.write(`| ${m.name} | ${shiftNames.map((s) => mine.find((r) => r.shift === s)?.meanF1Face.toFixed(4) ?? '–').join(' | ')} | ${mean.toFixed(4)} |\n`);
  }
  process.stdout.write(`\nper part, mean over the shifted sets:\n\n| model | ${CLASS_NAMES.slice(1).join(' | ')} |\n|---|${CLASS_NAMES.slice(1).map(() => '---:|').join('')}\n`);
  for (const m of models) {
    const shifted = rows.filter((r) => r.model === m.name && r.shift !== 'none');
    const per = CLASS_NAMES.slice(1).map((_, k) => shifted.reduce((a, r) => a + (r.f1[k + 1] ?? 0), 0) / Math.max(1, shifted.length));
    process.stdout.write(`| ${m.name} | ${per.map((v) => v.toFixed(3)).join(' | ')} |\n`);
  }
}
