// Segments every photo of a folder tree into an output folder: masks mirroring the subfolders,
// optional overlays under `overlays/`, and summary.csv. Resumable: a photo whose mask, overlay
// (when asked) and summary row exist is skipped unless `force`. A photo that fails is reported
// and skipped; the batch goes on — except when the disk itself fails (full, read-only): then the
// batch stops, keeping the masks and summary written so far, and a re-run continues from there.
// Nothing is ever written inside the input folder.
import { access, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DomainError } from '../contract/domain-error';
import type { SegmentOptions } from '../contract/segment';
import { describeFsError, explainFsError, isDiskFailure } from '../dataset/io/fs-errors';
import { writeIndexedPng } from '../dataset/io/mask';
import { isInsidePath, realPathOf } from '../dataset/io/paths';
import type { FaceDetector } from '../engine/index';
import { DecodeAhead } from './decode-ahead';
import { writeOverlayJpeg } from './overlay';
import { assemblePlan, cutPieces, planPhoto, type PhotoPlan } from './segment-photo';
import { classFractions, readSummary, writeSummary, type SummaryRow } from './summary';
import type { ProbabilityModel } from './types';
import { walkPhotos, type PhotoEntry } from './walk';

export const SUMMARY_FILE = 'summary.csv';
/** Photos per group, and model inputs per model call: measured, see scripts/bench/segment.ts. */
export const DEFAULT_BATCH_SIZE = 4;
/** Decoded photos waiting for the model hold at most this much memory (one photo always may). */
export const DECODE_AHEAD_BYTES = 256 * 1024 * 1024;
export const OVERLAY_DIR = 'overlays';

export interface SegmentFolderOptions extends Pick<SegmentOptions, 'inDir' | 'outDir'>, Partial<Pick<SegmentOptions, 'overlay' | 'force'>> {
  model: ProbabilityModel;
  /** Face mode when given. */
  detector?: FaceDetector | null;
  /** Photos per group and model inputs per model call; DEFAULT_BATCH_SIZE when not given. */
  batchSize?: number;
  /** Photos decoded ahead of the group in progress; twice the batch size when not given. */
  decodeAhead?: number;
  decodeAheadBytes?: number;
  /** Stops after the photo in progress; the summary is written. */
  signal?: AbortSignal;
  /** Called once before the first photo, with the photo count. */
  onStart?(total: number): void;
  onProgress?(progress: SegmentProgress): void;
}

export interface SegmentProgress {
  done: number;
  total: number;
  file: string;
  outcome: 'segmented' | 'skipped' | 'failed';
  error?: string;
  seconds: number;
}

export interface SegmentReport {
  inDir: string;
  outDir: string;
  total: number;
  segmented: number;
  skipped: number;
  failed: { file: string; error: string }[];
  /** Non-photo files of the input folder (by extension), relative paths. */
  ignored: string[];
  cancelled: boolean;
  /** Set when the disk failed (full, read-only…): what happened, in words; the rest was not tried. */
  stopped?: string;
  seconds: number;
  summaryPath: string;
}

/** A folder the batch cannot work with: the field it came from, and why in words. */
function setupError(field: 'inDir' | 'outDir', message: string, file?: string): DomainError {
  return new DomainError({ code: 'invalid_input', field, message, ...(file === undefined ? {} : { file }) });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export function overlayPathOf(entry: PhotoEntry): string {
  return `${OVERLAY_DIR}/${entry.mask.replace(/\.png$/, '.jpg')}`;
}

/** Real path of a folder to check, with its problem in words as a setup error. */
async function realOf(path: string, field: 'inDir' | 'outDir'): Promise<string> {
  try {
    return await realPathOf(path);
  } catch (error) {
    throw setupError(field, describeFsError(error, { path }) ?? (error as Error).message, path);
  }
}

/**
 * Checks the two folders and creates the output folder. Overlap is judged on real paths, so an
 * output folder reached through a symlink into the input folder is refused too.
 */
export async function checkFolders(inDir: string, outDir: string): Promise<{ inDir: string; outDir: string }> {
  const input = resolve(inDir);
  const output = resolve(outDir);
  const info = await stat(input).catch(() => null);
  if (!info) throw setupError('inDir', `input folder not found: ${input}`, input);
  if (!info.isDirectory()) throw setupError('inDir', `input is not a folder: ${input}`, input);
  const realInput = await realOf(input, 'inDir');
  const realOutput = await realOf(output, 'outDir');
  const really = (given: string, real: string): string => (given === real ? given : `${given} (really ${real})`);
  // The input folder is never modified: refuse an output folder that overlaps it either way.
  if (isInsidePath(realOutput, realInput)) throw setupError('outDir', `the output folder ${really(output, realOutput)} must not be inside the input folder ${really(input, realInput)}`);
  if (isInsidePath(realInput, realOutput)) throw setupError('outDir', `the input folder ${really(input, realInput)} must not be inside the output folder ${really(output, realOutput)}`);
  try {
    await mkdir(output, { recursive: true });
  } catch (error) {
    throw setupError('outDir', `the output folder: ${describeFsError(error, { path: output, writing: true }) ?? (error as Error).message}`, output);
  }
  return { inDir: input, outDir: output };
}

async function isFinished(entry: PhotoEntry, row: SummaryRow | undefined, outDir: string, overlay: boolean): Promise<boolean> {
  if (!row || row.status !== 'ok' || row.mask !== entry.mask) return false;
  if (!(await exists(join(outDir, entry.mask)))) return false;
  return !overlay || (await exists(join(outDir, overlayPathOf(entry))));
}

function errorText(error: unknown): string {
  const text = describeFsError(error) ?? (error instanceof Error ? error.message : String(error));
  return text.replace(/\s+/g, ' ').trim();
}

/** The summary, written atomically; a failure is put in words. */
async function saveSummary(path: string, rows: SummaryRow[]): Promise<void> {
  try {
    await writeSummary(path, rows);
  } catch (error) {
    throw explainFsError(error, { path, writing: true });
  }
}

export async function segmentFolder(options: SegmentFolderOptions): Promise<SegmentReport> {
  const started = performance.now();
  const { inDir, outDir } = await checkFolders(options.inDir, options.outDir);
  const overlay = options.overlay ?? false;
  const summaryPath = join(outDir, SUMMARY_FILE);
  const { photos, ignored } = await walkPhotos(inDir);
  const previous = options.force ? new Map<string, SummaryRow>() : await readSummary(summaryPath);
  // Rows in input order; photos no longer in the input folder drop out of the summary.
  const rows = new Map<string, SummaryRow>();
  const report: SegmentReport = { inDir, outDir, total: photos.length, segmented: 0, skipped: 0, failed: [], ignored, cancelled: false, seconds: 0, summaryPath };
  options.onStart?.(photos.length);

  const todo: PhotoEntry[] = [];
  for (const entry of photos) {
    const row = previous.get(entry.rel);
    if (!options.force && (await isFinished(entry, row, outDir, overlay))) {
      rows.set(entry.rel, row!);
      report.skipped++;
      options.onProgress?.({ done: report.skipped, total: photos.length, file: entry.rel, outcome: 'skipped', seconds: 0 });
    }
    else todo.push(entry);
  }

  // The photos go through in groups: decoded ahead (libvips threads, bounded), each photo's face
  // detection and model inputs, one model call for the whole group's inputs, then each photo's
  // mask assembled and written in input order. A cancel or a failed disk stops before the next
  // write: nothing after it is written.
  const groupSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
  const ahead = new DecodeAhead(
    todo.map((e) => e.file),
    { ahead: options.decodeAhead ?? groupSize * 2, maxBytes: options.decodeAheadBytes ?? DECODE_AHEAD_BYTES },
  );
  const size = options.model.inputSize;
  const classes = options.model.numClasses;
  let lastSummaryWrite = performance.now();
  let stop = false;
  const failRow = (entry: PhotoEntry, error: unknown, seconds: number): SummaryRow => {
    const message = errorText(error);
    // Decode errors already name the file (made relative here); other errors get it prefixed.
    const text = message.includes(entry.file) ? message.replace(entry.file, entry.rel) : `${entry.rel}: ${message}`;
    report.failed.push({ file: entry.rel, error: text });
    return { file: entry.rel, mask: '', status: 'error', width: 0, height: 0, faces: 0, fractions: new Array<number>(classes).fill(0), seconds, error: text };
  };
  for (let start = 0; start < todo.length && !stop; start += groupSize) {
    if (options.signal?.aborted) {
      report.cancelled = true;
      break;
    }
    const t0 = performance.now();
    const group = todo.slice(start, start + groupSize);
    const prepared: Prepared[] = [];
    for (const entry of group) {
      const decoded = await ahead.next();
      if (decoded instanceof Error) {
        prepared.push({ entry, plan: null, inputs: null, maps: null, error: decoded, failed: true });
        continue;
      }
      try {
        const boxes = options.detector ? await options.detector.detect(decoded) : null;
        const plan = planPhoto(decoded, size, boxes);
        const inputs = cutPieces(plan, size);
        // Settled here, awaited below: the cuts run in libvips threads while the next photo is detected.
        inputs.catch(() => undefined);
        prepared.push({ entry, plan, inputs, maps: null, error: null, failed: false });
      } catch (error) {
        prepared.push({ entry, plan: null, inputs: null, maps: null, error, failed: true });
      }
    }
    await predictGroup(prepared, options.model);
    const shared = (performance.now() - t0) / group.length;

    for (const item of prepared) {
      if (options.signal?.aborted) {
        report.cancelled = true;
        stop = true;
        break;
      }
      const { entry } = item;
      const t1 = performance.now();
      let row: SummaryRow;
      try {
        if (item.failed || !item.plan || !item.maps) throw item.error;
        const result = assemblePlan(item.plan, item.maps, size, classes);
        let writing = join(outDir, entry.mask);
        try {
          await writeIndexedPng(writing, result.labels, result.width, result.height);
          if (overlay) {
            writing = join(outDir, overlayPathOf(entry));
            await writeOverlayJpeg(writing, item.plan.photo, result.labels);
          }
        } catch (error) {
          const explained = explainFsError(error, { path: writing, writing: true });
          // A full or read-only disk fails every photo after this one too: stop, keep what is done.
          if (isDiskFailure(explained)) {
            report.stopped = explained.message;
            stop = true;
            break;
          }
          throw explained;
        }
        row = {
          file: entry.rel,
          mask: entry.mask,
          status: 'ok',
          width: result.width,
          height: result.height,
          faces: result.faces,
          fractions: classFractions(result.labels, classes),
          seconds: (shared + performance.now() - t1) / 1000,
          error: '',
        };
        report.segmented++;
      } catch (error) {
        row = failRow(entry, error, (shared + performance.now() - t1) / 1000);
      }
      rows.set(entry.rel, row);
      options.onProgress?.({
        done: report.skipped + report.segmented + report.failed.length,
        total: photos.length,
        file: entry.rel,
        outcome: row.status === 'ok' ? 'segmented' : 'failed',
        ...(row.status === 'error' ? { error: row.error } : {}),
        seconds: row.seconds,
      });
      // Keep the summary current every few seconds, so an interrupted batch resumes from it.
      if (performance.now() - lastSummaryWrite > 5000) {
        try {
          await saveSummary(summaryPath, orderedRows(photos, rows));
        } catch (error) {
          if (!isDiskFailure(error)) throw error;
          report.stopped = (error as Error).message;
          stop = true;
          break;
        }
        lastSummaryWrite = performance.now();
      }
    }
  }
  await ahead.drain();
  try {
    await saveSummary(summaryPath, orderedRows(photos, rows));
  } catch (error) {
    // On a failed disk the summary of the last save stays (atomic writes): a re-run redoes at most
    // the photos since then. Report the first failure; any other error is the batch's own.
    if (!isDiskFailure(error)) throw error;
    report.stopped ??= (error as Error).message;
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** A photo of a group on its way: its plan and model inputs, then its maps; or why it failed. */
interface Prepared {
  entry: PhotoEntry;
  plan: PhotoPlan | null;
  inputs: Promise<Uint8Array[]> | null;
  /** One per piece of the plan; null until the model ran, or when this photo failed. */
  maps: Float32Array[] | null;
  /** Why the photo failed (decode, detection, cut or model), when `failed`. */
  error: unknown;
  failed: boolean;
}

function fail(item: Prepared, error: unknown): void {
  Object.assign(item, { error, failed: true, maps: null });
}

/**
 * The model over the inputs of every photo of a group, in calls of at most the group's size. When
 * a call fails, its photos are retried one by one, so the failure lands on the photo that caused it.
 */
async function predictGroup(prepared: Prepared[], model: ProbabilityModel): Promise<void> {
  const ready: { item: Prepared; inputs: Uint8Array[] }[] = [];
  for (const item of prepared) {
    if (item.failed || !item.inputs) continue;
    try {
      ready.push({ item, inputs: await item.inputs });
    } catch (error) {
      fail(item, error);
    }
  }
  const all = ready.flatMap((r) => r.inputs);
  let maps: Float32Array[] | null = null;
  if (all.length > 0) {
    try {
      maps = [];
      const call = Math.max(1, prepared.length);
      for (let i = 0; i < all.length; i += call) maps.push(...(await model.predictBatch(all.slice(i, i + call))));
    } catch {
      maps = null;
    }
  }
  let at = 0;
  for (const { item, inputs } of ready) {
    if (maps) {
      item.maps = maps.slice(at, at + inputs.length);
      at += inputs.length;
      continue;
    }
    try {
      item.maps = inputs.length > 0 ? await model.predictBatch(inputs) : [];
    } catch (error) {
      fail(item, error);
    }
  }
}

function orderedRows(photos: PhotoEntry[], rows: Map<string, SummaryRow>): SummaryRow[] {
  return photos.flatMap((p) => {
    const row = rows.get(p.rel);
    return row ? [row] : [];
  });
}
