// Training manifests: the content hashes (SHA-256 of the photo bytes) of the images a model was
// trained on, never the images. A run writes its own (training-manifest.json in the run folder);
// the bundled model ships one beside its weights. An evaluation compares the evaluated images'
// hashes with the manifests of the model and of every model in its lineage (a fine-tune has also
// seen what its starting model saw), and says how many overlap, by name.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../../contract/domain-error';
import type { ModelLineage, TrainingOverlap } from '../../contract/training';
import { writeFileAtomic } from '../../dataset/io/atomic';
import type { DataItem } from '../../dataset/loader';
import { isRunDir } from '../infer/model-folder';

export const MANIFEST_FILE = 'training-manifest.json';

const manifestSchema = z.object({
  format: z.literal('facet-training-manifest/1'),
  /** Where the images came from (a description, no photos). */
  source: z.string(),
  images: z.array(z.object({ name: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type TrainingManifest = z.infer<typeof manifestSchema>;

/** Hashes of `items`, a few at a time. */
export async function manifestOf(items: readonly DataItem[], source: string): Promise<TrainingManifest> {
  const images: TrainingManifest['images'] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      images[i] = { name: items[i]!.name, sha256: await items[i]!.sha256() };
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return { format: 'facet-training-manifest/1', source, images };
}

export async function writeManifest(path: string, manifest: TrainingManifest): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(manifest, null, 1)));
}

async function readManifest(path: string): Promise<TrainingManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DomainError({ code: 'bad_file', file: path, message: `${path}: cannot read the training manifest (${(error as Error).message})` });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new DomainError({ code: 'bad_file', file: path, message: `${path}: invalid training manifest (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})` });
  return parsed.data;
}

/** The manifest of a model folder: beside its weights, or in its run folder (runs/<id>/checkpoints/<which>). */
export function manifestPathOf(modelDir: string): string | null {
  const own = join(modelDir, MANIFEST_FILE);
  if (existsSync(own)) return own;
  const run = dirname(dirname(modelDir));
  const inRun = join(run, MANIFEST_FILE);
  return isRunDir(run) && existsSync(inRun) ? inRun : null;
}

/** Every manifest of a model and its lineage, with where each was read. */
export async function manifestsOf(modelDir: string, lineage: ModelLineage | null | undefined): Promise<{ path: string; manifest: TrainingManifest }[]> {
  const dirs = [modelDir];
  for (let l = lineage ?? null; l; l = l.parent) dirs.push(l.path);
  const out: { path: string; manifest: TrainingManifest }[] = [];
  for (const path of new Set(dirs.map(manifestPathOf).filter((p): p is string => p !== null))) out.push({ path, manifest: await readManifest(path) });
  return out;
}

/** Evaluated items whose photo is among the model's (or its lineage's) training images; null without any manifest. */
export async function trainingOverlap(items: readonly DataItem[], modelDir: string, lineage: ModelLineage | null | undefined): Promise<TrainingOverlap | null> {
  const manifests = await manifestsOf(modelDir, lineage);
  if (manifests.length === 0) return null;
  const seen = new Set(manifests.flatMap((m) => m.manifest.images.map((i) => i.sha256)));
  const evaluated = await manifestOf(items, '');
  const names = evaluated.images.filter((i) => seen.has(i.sha256)).map((i) => i.name);
  return { count: names.length, names: names.slice(0, 50), manifest: manifests.map((m) => m.path).join(', ') };
}
