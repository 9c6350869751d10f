// Learning curves of a training run as a PNG: a run's history.json (per-epoch loss, val loss and
// metrics, see engine/train/history.ts) drawn as an SVG and rasterised with sharp. Only numbers
// go into the picture (no photos), so the image can ship with the model card.
//
//   npx tsx scripts/plot-history.ts RUN_DIR/history.json OUT.png [--title TEXT]
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { EpochRecord } from '../src-main/contract/training';

export interface Series {
  label: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Draw markers only (reference points rather than a curve). */
  markersOnly?: boolean;
}

interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  yMin?: number;
  yMax?: number;
}

/** The PyTorch accuracy peer's published points (shared/bench/README.md): val mean F1 (face). */
export const PEER_POINTS: [number, number][] = [
  [6, 0.8],
  [18, 0.85],
];

const W = 900;
const PANEL_H = 330;
const M = { left: 64, right: 200, top: 40, bottom: 46 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) ticks.push(Number(v.toPrecision(6)));
  return ticks;
}

function panelSvg(panel: Panel, top: number, xMax: number, xLabel: string, markers: { epoch: number; label: string }[]): string {
  const plotW = W - M.left - M.right;
  const plotH = PANEL_H - M.top - M.bottom;
  const ys = panel.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  let yMin = panel.yMin ?? Math.min(...ys);
  let yMax = panel.yMax ?? Math.max(...ys);
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  if (yMax - yMin < 1e-6) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const x0 = M.left;
  const y0 = top + M.top;
  const sx = (x: number): number => x0 + ((x - 1) / Math.max(1, xMax - 1)) * plotW;
  const sy = (y: number): number => y0 + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [];
  parts.push(`<text x="${x0}" y="${top + 24}" font-size="16" font-weight="bold">${esc(panel.title)}</text>`);
  for (const t of niceTicks(yMin, yMax, 6)) {
    parts.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${x0 - 8}" y="${sy(t) + 4}" font-size="11" text-anchor="end">${t}</text>`);
  }
  for (const t of niceTicks(1, xMax, Math.min(12, Math.max(1, xMax - 1)))) {
    if (!Number.isInteger(t)) continue;
    parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${y0 + plotH}" y2="${y0 + plotH + 4}" stroke="#555"/>`);
    parts.push(`<text x="${sx(t)}" y="${y0 + plotH + 18}" font-size="11" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<rect x="${x0}" y="${y0}" width="${plotW}" height="${plotH}" fill="none" stroke="#555"/>`);
  for (const marker of markers.filter((m) => m.epoch <= xMax)) {
    parts.push(`<line x1="${sx(marker.epoch)}" x2="${sx(marker.epoch)}" y1="${y0}" y2="${y0 + plotH}" stroke="#9467bd" stroke-dasharray="3 3"/>`);
    parts.push(`<text x="${sx(marker.epoch) - 4}" y="${y0 + plotH - 8}" font-size="11" fill="#9467bd" text-anchor="end">${esc(marker.label)}</text>`);
  }
  parts.push(`<text x="${x0 + plotW / 2}" y="${y0 + plotH + 38}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text x="16" y="${y0 + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${y0 + plotH / 2})">${esc(panel.yLabel)}</text>`);
  panel.series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(y) && x <= xMax);
    if (!s.markersOnly && pts.length > 1) {
      const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    for (const [x, y] of pts) {
      parts.push(s.markersOnly
        ? `<rect x="${sx(x) - 4}" y="${sy(y) - 4}" width="8" height="8" fill="${s.color}"/>`
        : `<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${s.color}"/>`);
    }
    const ly = y0 + 12 + i * 20;
    parts.push(`<line x1="${x0 + plotW + 14}" x2="${x0 + plotW + 38}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${x0 + plotW + 44}" y="${ly + 4}" font-size="12">${esc(s.label)}</text>`);
  });
  return parts.join('\n');
}

export interface PlotOptions {
  title: string;
  /** Training images per epoch when epochs are capped (`--steps`), to place the peer's full epochs. */
  imagesPerEpoch?: number | null;
  /** Images in the train split (one full epoch of the peer). */
  trainImages?: number;
  /** A vertical line, e.g. where the input size changed. */
  marker?: { epoch: number; label: string };
  /** More vertical lines (e.g. where a second edition started from the first). */
  markers?: { epoch: number; label: string }[];
}

/** The SVG of a run's learning curves: losses on top, mean F1 over the face parts below. */
export function historySvg(history: EpochRecord[], options: PlotOptions): string {
  const title = options.title;
  const xMax = Math.max(2, history.length ? history[history.length - 1]!.epoch : 2);
  // The peer's points are in full passes over the train split; ours may be shorter epochs.
  const perPass = options.imagesPerEpoch && options.trainImages ? options.trainImages / options.imagesPerEpoch : 1;
  const peer = PEER_POINTS.map(([e, f]) => [e * perPass, f] as [number, number]).filter(([x]) => x <= xMax);
  const pts = (f: (r: EpochRecord) => number | null | undefined): [number, number][] =>
    history.map((r) => [r.epoch, f(r) ?? Number.NaN] as [number, number]).filter(([, y]) => Number.isFinite(y));
  const panels: Panel[] = [
    {
      title: 'Loss (cross-entropy + Dice + Jaccard terms)',
      yLabel: 'loss',
      series: [
        { label: 'train loss', color: '#1f77b4', points: pts((r) => r.loss) },
        { label: 'val loss', color: '#d62728', points: pts((r) => r.valLoss) },
      ],
    },
    {
      title: 'Mean F1 over the 7 face parts',
      yLabel: 'mean F1 (face)',
      yMin: 0,
      yMax: 1,
      series: [
        { label: 'train (augmented)', color: '#1f77b4', points: pts((r) => r.train.meanF1Face) },
        { label: 'val', color: '#d62728', points: pts((r) => r.val?.meanF1Face) },
        { label: 'val mean IoU (face)', color: '#ff7f0e', dashed: true, points: pts((r) => r.val?.meanIoUFace) },
        ...(peer.length ? [{ label: 'PyTorch peer (val)', color: '#2ca02c', markersOnly: true, points: peer }] : []),
        { label: 'target 0.85', color: '#888888', dashed: true, points: [[1, 0.85], [xMax, 0.85]] },
      ],
    },
  ];
  const height = panels.length * PANEL_H + 40;
  const xLabel = options.imagesPerEpoch ? `epoch (${options.imagesPerEpoch} training images each)` : 'epoch';
  const body = panels.map((p, i) => panelSvg(p, 40 + i * PANEL_H, xMax, xLabel, [...(options.marker ? [options.marker] : []), ...(options.markers ?? [])])).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${W / 2}" y="26" font-size="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>
${body}
</svg>`;
}

/** Renders `history` to a PNG at `out` (atomic: temp file, then rename). */
export async function plotHistory(history: EpochRecord[], out: string, options: PlotOptions): Promise<void> {
  const png = await sharp(Buffer.from(historySvg(history, options))).png().toBuffer();
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  await writeFile(temp, png);
  await rename(temp, out);
}

async function main(argv: string[]): Promise<void> {
  const [input, out] = argv;
  if (!input || !out) throw new Error('usage: tsx scripts/plot-history.ts HISTORY_JSON OUT_PNG [--title TEXT]');
  const titleAt = argv.indexOf('--title');
  const title = titleAt >= 0 ? (argv[titleAt + 1] ?? '') : 'Learning curves';
  let history: EpochRecord[];
  try {
    history = JSON.parse(await readFile(input, 'utf8')) as EpochRecord[];
  } catch (error) {
    throw new Error(`${input}: cannot read history (${(error as Error).message})`);
  }
  if (!Array.isArray(history)) throw new Error(`${input}: not a history (expected a JSON array of epochs)`);
  await plotHistory(history, out, { title });
  process.stdout.write(`wrote ${out} (${history.length} epochs)\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
