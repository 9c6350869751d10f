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
import { decodePhoto, type Photo } from './decode';
import { writeOverlayJpeg } from './overlay';
import { segmentPhoto } from './segment-photo';
import { classFractions, readSummary, writeSummary, type SummaryRow } from './summary';
import type { ProbabilityModel } from './types';
import { walkPhotos, type PhotoEntry } from './walk';

export const SUMMARY_FILE = 'summary.csv';
export const OVERLAY_DIR = 'overlays';

export interface SegmentFolderOptions extends Pick<SegmentOptions, 'inDir' | 'outDir'>, Partial<Pick<SegmentOptions, 'overlay' | 'force'>> {
  model: ProbabilityModel;
  /** Face mode when given. */
  detector?: FaceDetector | null;
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

  // Decoding the next photo (libvips threads) overlaps with the model on the current one.
  const decodeSafely = (entry: PhotoEntry): Promise<Photo | Error> => decodePhoto(entry.file).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  let next = todo[0] ? decodeSafely(todo[0]) : null;
  let lastSummaryWrite = performance.now();
  for (let i = 0; i < todo.length; i++) {
    if (options.signal?.aborted) {
      report.cancelled = true;
      break;
    }
    const entry = todo[i]!;
    const t0 = performance.now();
    const decoded = await next!;
    next = todo[i + 1] ? decodeSafely(todo[i + 1]!) : null;
    let row: SummaryRow;
    try {
      if (decoded instanceof Error) throw decoded;
      const result = await segmentPhoto(decoded, options.model, options.detector);
      let writing = join(outDir, entry.mask);
      try {
        await writeIndexedPng(writing, result.labels, result.width, result.height);
        if (overlay) {
          writing = join(outDir, overlayPathOf(entry));
          await writeOverlayJpeg(writing, decoded, result.labels);
        }
      } catch (error) {
        const explained = explainFsError(error, { path: writing, writing: true });
        // A full or read-only disk fails every photo after this one too: stop, keep what is done.
        if (isDiskFailure(explained)) {
          report.stopped = explained.message;
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
        fractions: classFractions(result.labels, options.model.numClasses),
        seconds: (performance.now() - t0) / 1000,
        error: '',
      };
      report.segmented++;
    } catch (error) {
      const message = errorText(error);
      // Decode errors already name the file (made relative here); other errors get it prefixed.
      const text = message.includes(entry.file) ? message.replace(entry.file, entry.rel) : `${entry.rel}: ${message}`;
      row = { file: entry.rel, mask: '', status: 'error', width: 0, height: 0, faces: 0, fractions: new Array<number>(options.model.numClasses).fill(0), seconds: (performance.now() - t0) / 1000, error: text };
      report.failed.push({ file: entry.rel, error: text });
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
        break;
      }
      lastSummaryWrite = performance.now();
    }
  }
  await next?.catch(() => undefined);
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

function orderedRows(photos: PhotoEntry[], rows: Map<string, SummaryRow>): SummaryRow[] {
  return photos.flatMap((p) => {
    const row = rows.get(p.rel);
    return row ? [row] : [];
  });
}
