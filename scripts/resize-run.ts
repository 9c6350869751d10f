// Progressive resizing for `facet train`: turns a stopped run trained at one input size into a
// new run at another size that `facet train --resume` continues. On a CPU, most epochs run at a
// small size (4x fewer pixels at half the side) and the last ones at the size the model ships
// at. The models are fully convolutional, so every weight keeps its shape; only the topology
// (input shape, the ASPP pooling branch's upsampling factor) changes.
//
//   npx tsx scripts/resize-run.ts SOURCE_RUN NEW_RUN --size 256 [--epochs TOTAL]
//
// NEW_RUN gets: config.json (the source's, with the new input size and epoch total), the
// history so far, and checkpoints/last holding the model rebuilt at the new size with the
// source's weights, its optimizer state (tfjs matches Adam slots by position, and the variable
// order does not change) and train state. The best-checkpoint record is cleared: the next
// epoch's validation (at the new size) sets it, since scores at two sizes do not compare.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { NUM_CLASSES } from '../src-main/contract/classes';
import { initEngine } from '../src-main/engine/backend/index';
import { loadModelDir, readExtra, saveModelDir } from '../src-main/engine/infer/model-dir';
import { buildModel, checkModel } from '../src-main/engine/models/registry';
import { transplantWeights } from '../src-main/engine/models/transplant';
import { RunFolder } from '../src-main/engine/train/run-folder';

const STATE_FILE = 'train-state.json';
/** Written into the new run: which epochs ran at which size. */
export const RESIZE_FILE = 'resized.json';

export interface ResizeRecord {
  fromRun: string;
  fromSize: number;
  /** Epochs the source run had planned (its cosine schedule's length). */
  fromEpochs: number;
  toSize: number;
  /** Epochs 1..afterEpoch ran at fromSize, the later ones at toSize. */
  afterEpoch: number;
}
const OPT_FILE = 'optimizer.bin';

export interface ResizeOptions {
  source: string;
  target: string;
  size: number;
  epochs?: number;
}

export async function resizeRun(o: ResizeOptions): Promise<RunFolder> {
  const source = new RunFolder(resolve(o.source));
  if (!RunFolder.isRun(source.dir)) throw new Error(`${source.dir}: not a run folder (no config.json)`);
  const stateBytes = await readExtra(source.lastDir, STATE_FILE).catch(() => null);
  if (!stateBytes) throw new Error(`${source.lastDir}: no ${STATE_FILE} (the run has no finished epoch to continue from)`);
  const state = JSON.parse(new TextDecoder().decode(stateBytes)) as { epoch: number; best: unknown };
  const config = await source.readConfig();
  const epochs = o.epochs ?? config.epochs;
  if (epochs <= state.epoch) throw new Error(`--epochs ${epochs}: the source run already did ${state.epoch} epochs`);
  checkModel(config.model, o.size, config.modelOptions);
  const target = new RunFolder(resolve(o.target));
  if (existsSync(target.dir)) throw new Error(`${target.dir}: already exists`);
  await mkdir(target.dir, { recursive: true });

  await initEngine();
  const loaded = await loadModelDir(source.lastDir);
  const model = buildModel(config.model, { inputSize: o.size, numClasses: NUM_CLASSES, seed: config.seed, options: config.modelOptions });
  try {
    transplantWeights(loaded.model, model, source.lastDir);
    await target.writeConfig({ ...config, inputSize: o.size, epochs });
    await target.writeHistory(await source.readHistory());
    const newState = { ...state, best: null };
    await saveModelDir(model, target.lastDir, { ...loaded.meta, inputSize: o.size, runId: target.id, savedAt: new Date().toISOString() }, {
      [STATE_FILE]: new TextEncoder().encode(JSON.stringify(newState)),
      [OPT_FILE]: new Uint8Array(await readFile(join(source.lastDir, OPT_FILE))),
    });
    // For the record (model card, plots): where the size changed, and the source's own verdict.
    const record: ResizeRecord = { fromRun: source.dir, fromSize: config.inputSize, fromEpochs: config.epochs, toSize: o.size, afterEpoch: state.epoch };
    await writeFile(target.path(RESIZE_FILE), JSON.stringify(record, null, 1));
    if (existsSync(source.path('eval.json'))) await copyFile(source.path('eval.json'), target.path('eval-before-resize.json'));
  } finally {
    model.dispose();
    loaded.model.dispose();
  }
  return target;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { size: { type: 'string' }, epochs: { type: 'string' } } });
  const [source, target] = positionals;
  const size = Number(values.size);
  if (!source || !target || !Number.isInteger(size) || size <= 0) throw new Error('usage: tsx scripts/resize-run.ts SOURCE_RUN NEW_RUN --size PX [--epochs TOTAL]');
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  if (epochs !== undefined && (!Number.isInteger(epochs) || epochs <= 0)) throw new Error(`--epochs: not a positive whole number: ${values.epochs}`);
  const run = await resizeRun({ source, target, size, ...(epochs !== undefined ? { epochs } : {}) });
  process.stdout.write(`wrote ${run.dir}: continue with facet train --resume ${run.dir}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`resize-run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
