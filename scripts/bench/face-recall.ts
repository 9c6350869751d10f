// Recall and time of the face detectors on the cases the tests cover (tests/segment/faces.test.ts,
// tests/cli/segment.test.ts: a portrait, two faces on a large canvas, three small faces on a
// 3000x2000 photo, a blank photo) plus harder ones (six faces, 80 px faces, faces turned 15-90
// degrees in-plane) and 40 portraits upscaled to 1024 (the segment bench's photos). A face counts
// as found when a box's centre lies in the square where it was pasted; "extra" boxes are others.
//   npx tsx scripts/bench/face-recall.ts [ssd,tiny,...]   (CONFIGS='[["name",{...options}]]' to try others; NOTIME=1 skips timing)
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { initEngine } from '../../src-main/engine/backend/index';
import { createFaceDetector, type FaceDetectorOptions, type FaceBox } from '../../src-main/engine/infer/faces';
await initEngine();
type Photo = { data: Uint8Array; width: number; height: number };
async function rgb(input: sharp.Sharp): Promise<Photo> {
  const { data, info } = await input.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}
const candidates = [resolve(process.env['FACET_DATA'] ?? 'shared/data', 'celebamask-hq-800/images'), resolve('../shared/data/celebamask-hq-800/images')];
const dir = candidates.find((d) => existsSync(d));
if (!dir) throw new Error(`no CelebAMask-HQ photos in ${candidates.join(' or ')}`);
const names = (await readdir(dir)).filter((n) => n.endsWith('.jpg')).sort();
const P = (i: number) => join(dir, names[i]!);
type Spot = { x: number; y: number; w: number; h: number };
type Case = { name: string; photo: Photo; spots: Spot[] };
const cases: Case[] = [];
async function composite(name: string, W: number, H: number, bg: number[], items: { i: number; side: number; left: number; top: number; angle?: number }[]) {
  const tiles = await Promise.all(items.map(async (it) => {
    const s = sharp(P(it.i)).resize(it.side, it.side);
    const buf = await s.jpeg().toBuffer();
    if (!it.angle) return { buf, side: it.side };
    const r = await sharp(buf).rotate(it.angle, { background: { r: bg[0]!, g: bg[1]!, b: bg[2]! } }).jpeg().toBuffer({ resolveWithObject: true });
    return { buf: r.data, side: r.info.width };
  }));
  const photo = await rgb(sharp({ create: { width: W, height: H, channels: 3, background: { r: bg[0]!, g: bg[1]!, b: bg[2]! } } }).composite(tiles.map((t, k) => ({ input: t.buf, left: items[k]!.left, top: items[k]!.top }))));
  cases.push({ name, photo, spots: tiles.map((t, k) => ({ x: items[k]!.left, y: items[k]!.top, w: t.side, h: t.side })) });
}
// Test cases (tests/segment/faces.test.ts, tests/cli/segment.test.ts)
await composite('group 1600x1000 (2x256)', 1600, 1000, [128, 128, 128], [{ i: 3, side: 256, left: 150, top: 500 }, { i: 4, side: 256, left: 1100, top: 120 }]);
await composite('big 3000x2000 (3x110)', 3000, 2000, [90, 110, 100], [{ i: 3, side: 110, left: 300, top: 300 }, { i: 4, side: 110, left: 1400, top: 1200 }, { i: 3, side: 110, left: 2500, top: 700 }]);
await composite('cli 1400x800 (2x300)', 1400, 800, [120, 120, 120], [{ i: 0, side: 300, left: 100, top: 300 }, { i: 1, side: 300, left: 900, top: 80 }]);
// Extra: more faces per photo, smaller, rotated in-plane
await composite('six 1024 (6x200)', 1024, 1024, [128, 128, 128], [0, 1, 2, 3, 4, 5].map((k) => ({ i: 10 + k, side: 200, left: 60 + (k % 3) * 330, top: 120 + Math.floor(k / 3) * 450 })));
await composite('small 1024 (4x80)', 1024, 1024, [110, 110, 110], [0, 1, 2, 3].map((k) => ({ i: 20 + k, side: 80, left: 100 + k * 230, top: 300 + (k % 2) * 300 })));
for (const angle of [15, 30, 45, 90]) await composite(`rotated ${angle}° 1400x800 (2x300)`, 1400, 800, [120, 120, 120], [{ i: 30, side: 300, left: 100, top: 250, angle }, { i: 31, side: 300, left: 850, top: 50, angle: -angle }]);
// Portraits: bench-style 1024 upscales, one face each
const portraits: Case[] = [];
for (let i = 0; i < 40; i++) { const photo = await rgb(sharp(P(i)).resize(1024, 1024)); portraits.push({ name: `portrait ${i}`, photo, spots: [{ x: 256, y: 256, w: 512, h: 512 }] }); }
const blank = await rgb(sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 20, g: 90, b: 200 } } }));

function score(found: FaceBox[], spots: Spot[]) {
  let hit = 0; let extra = 0;
  const used = new Set<number>();
  for (const s of spots) {
    const k = found.findIndex((f, j) => !used.has(j) && f.x + f.w / 2 > s.x && f.x + f.w / 2 < s.x + s.w && f.y + f.h / 2 > s.y && f.y + f.h / 2 < s.y + s.h);
    if (k >= 0) { hit++; used.add(k); }
  }
  extra = found.length - used.size;
  return { hit, extra };
}
const configs: [string, FaceDetectorOptions][] = process.env['CONFIGS']
  ? (JSON.parse(process.env['CONFIGS']) as [string, FaceDetectorOptions][])
  : [
      ['ssd', { kind: 'ssd' }],
      ['tiny', { kind: 'tiny' }],
      ['tiny-no-coarse-t0.5', { kind: 'tiny', coarseSize: 0, minConfidence: 0.5 }],
    ];
const only = process.argv[2]?.split(',');
for (const [label, opts] of configs) {
  if (only && !only.includes(label)) continue;
  const det = await createFaceDetector(opts);
  await det.detect(portraits[0]!.photo);
  const lines: string[] = [];
  for (const c of cases) { const f = await det.detect(c.photo); const s = score(f, c.spots); lines.push(`${c.name}: ${s.hit}/${c.spots.length}${s.extra ? ` +${s.extra} extra` : ''}`); }
  let ph = 0, pe = 0; let best = 1e9;
  for (let rep = 0; rep < (process.env['NOTIME'] ? 1 : 2); rep++) { const t = performance.now(); for (const c of portraits) { const f = await det.detect(c.photo); if (rep === 0) { const s = score(f, c.spots); ph += s.hit; pe += s.extra; } } best = Math.min(best, (performance.now() - t) / portraits.length); }
  const b = await det.detect(blank);
  console.log(`${label}: ${best.toFixed(1)} ms/1024 photo; portraits ${ph}/${portraits.length} +${pe} extra; blank ${b.length}; ${lines.join('; ')}`);
}
