// The inference levers of a model on the val split, as rows of the model card's ablation table:
// mean F1 over the 7 face parts and per part, with and without the test-time flip, scored at the
// model's input size and at the photos' own resolution (probabilities resized bilinearly, as
// `facet segment` and held-out judges do), and the inference time per photo of each (the model
// pass, and at full resolution the resize: decoding excluded; after a warm-up pass).
//
//   npm run bench:levers -- [--model DIR|default] [--data DIR] [--preset NAME] [--limit N]
//     [--batch 8] [--backend NAME] [--json]
//
// --limit N uses the first N images of the folder (sorted) before the split (every 5th to val),
// for a quick look; without it, the whole val split (160 images of celebamask-hq-800).
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CLASS_NAMES } from '../../src-main/contract/classes';
import type { MetricsReport } from '../../src-main/contract/training';
import { runConfigSchema } from '../../src-main/contract/training';
import { BatchLoader, openDataSource } from '../../src-main/dataset/loader';
import { initEngine, parseBackendChoice } from '../../src-main/engine/backend/index';
import { fusedGraphOf } from '../../src-main/engine/infer/graph-cache';
import { loadModelDir } from '../../src-main/engine/infer/model-dir';
import { locateModel } from '../../src-main/engine/infer/model-folder';
import { predictWithFlip } from '../../src-main/engine/infer/tta';
import { tf } from '../../src-main/engine/tf';
import { evaluate } from '../../src-main/engine/train/evaluate';
import { evaluateFullResolution } from '../../src-main/engine/train/evaluate-full';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The face parts (every class but background): what "mean F1 (face)" averages. */
const FACE_CLASS_INDICES = CLASS_NAMES.map((_, c) => c).filter((c) => c > 0);

export interface LeverRow {
  flip: boolean;
  fullResolution: boolean;
  meanF1Face: number;
  /** F1 per face part, in FACE_CLASS_INDICES order; null for a part neither in the truth nor predicted. */
  f1: (number | null)[];
  msPerPhoto: number;
}

export interface LeversReport {
  model: string;
  inputSize: number;
  images: number;
  backend: string;
  batch: number;
  rows: LeverRow[];
}

export interface LeversOptions {
  model: string;
  data: string;
  preset: string;
  limit: number;
  batch: number;
  backend: string;
}

function rowOf(metrics: MetricsReport, flip: boolean, fullResolution: boolean, seconds: number, images: number): LeverRow {
  return {
    flip,
    fullResolution,
    meanF1Face: metrics.meanF1Face,
    f1: FACE_CLASS_INDICES.map((c) => (metrics.perClass[c]!.present ? metrics.perClass[c]!.f1 : null)),
    msPerPhoto: (seconds * 1000) / images,
  };
}

/** Scores the model four ways on the val split (one load, one decode of the photos). */
export async function benchLevers(o: LeversOptions): Promise<LeversReport> {
  const data = runConfigSchema.shape.data.parse({ kind: 'folder', dir: o.data, preset: o.preset, limit: o.limit });
  const { val } = await openDataSource(data);
  if (val.length === 0) throw new Error(`${o.data}: no val images (with --limit ${o.limit})`);
  const loaded = await loadModelDir(locateModel({ model: o.model }).dir);
  try {
    const size = loaded.meta.inputSize;
    const loader = new BatchLoader(val, { size, batchSize: o.batch, seed: 0, augment: null });
    await loader.cache.warm(val);
    // Warm-up: compile the fused graph and touch both batch shapes, so no row pays for it.
    const graph = fusedGraphOf(loaded.model);
    for (const flip of [false, true]) {
      const x = tf.zeros([Math.min(o.batch, val.length), size, size, 3]) as tf.Tensor4D;
      const y = predictWithFlip((input) => graph.predict(input), x, flip);
      await y.data();
      tf.dispose([x, y]);
    }
    const rows: LeverRow[] = [];
    for (const fullResolution of [false, true]) {
      for (const flip of [false, true]) {
        const options = { classNames: CLASS_NAMES, flip };
        const r = fullResolution ? await evaluateFullResolution(loaded.model, loader, options) : await evaluate(loaded.model, loader, options);
        rows.push(rowOf(r.metrics, flip, fullResolution, r.inferenceSeconds, r.images));
      }
    }
    return { model: loaded.dir, inputSize: size, images: val.length, backend: o.backend, batch: o.batch, rows };
  } finally {
    loaded.model.dispose();
  }
}

const SHORT: Record<string, string> = { eyebrows: 'brows', eyeglasses: 'glasses' };

/** The report as a markdown table (one row per lever setting), with a line saying what was measured. */
export function formatLevers(r: LeversReport): string {
  const parts = FACE_CLASS_INDICES.map((c) => SHORT[CLASS_NAMES[c]!] ?? CLASS_NAMES[c]!);
  const header = ['scored at', 'flip', 'mean F1 (face)', ...parts, 'ms/photo'];
  const lines = [
    `${r.model}: val split, ${r.images} images, input ${r.inputSize}px, backend ${r.backend}, batch ${r.batch}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
  ];
  for (const row of r.rows) {
    const cells = [row.fullResolution ? 'full resolution' : `${r.inputSize}px`, row.flip ? 'yes' : 'no', row.meanF1Face.toFixed(4), ...row.f1.map((v) => (v === null ? '–' : v.toFixed(3))), row.msPerPhoto.toFixed(1)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'default' },
      data: { type: 'string', default: resolve(ROOT, '..', 'shared', 'data', 'celebamask-hq-800') },
      preset: { type: 'string', default: 'celebamask-hq' },
      limit: { type: 'string', default: '0' },
      batch: { type: 'string', default: '8' },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const whole = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: not a whole number ≥ ${min}: ${v}`);
    return n;
  };
  const engine = await initEngine(values.backend ? { backend: parseBackendChoice(values.backend) } : {});
  const report = await benchLevers({
    model: values.model === 'default' ? values.model : resolve(values.model),
    data: resolve(values.data),
    preset: values.preset,
    limit: whole('limit', values.limit, 0),
    batch: whole('batch', values.batch, 1),
    backend: engine.backend,
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 1)}\n` : formatLevers(report));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:levers: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
