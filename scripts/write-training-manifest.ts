// Writes resources/models/default/training-manifest.json: the SHA-256 of each photo the bundled
// model was trained on (CelebAMask-HQ 800, sorted names, every 5th to val: the 641 others), so an
// evaluation can warn when it scores the model on its own training images. Hashes only, no photos.
// usage: npx tsx scripts/write-training-manifest.ts [--data DIR]
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runConfigSchema } from '../src-main/contract/training';
import { openDataSource } from '../src-main/dataset/loader';
import { manifestOf, MANIFEST_FILE, writeManifest } from '../src-main/engine/train/manifest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { data: { type: 'string' } } });
const data = resolve(values.data ?? resolve(ROOT, '..', 'shared', 'data', 'celebamask-hq-800'));
// The data source scripts/train-default.ts trains the bundled model on.
const splits = await openDataSource(runConfigSchema.shape.data.parse({ kind: 'folder', dir: data, preset: 'celebamask-hq' }));
const manifest = await manifestOf(splits.train, 'CelebAMask-HQ 800 (celebamask-hq-800), preset celebamask-hq, sorted names, every 5th image to val: the train split');
const out = resolve(ROOT, 'resources', 'models', 'default', MANIFEST_FILE);
await writeManifest(out, manifest);
process.stdout.write(`${out}: ${manifest.images.length} training images (val: ${splits.val.length})\n`);
