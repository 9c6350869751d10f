// Projects, images and masks over the store in src-main/dataset. The session's projectDir picks
// the project; project.open changes it (for this client's session only). Every change emits
// project.changed.
import { resolve } from 'node:path';
import type { Handlers } from '../router';
import type { HandlerContext } from '../context';
import { DomainError } from '../../contract/domain-error';
import { openStore, type ProjectStore } from '../../dataset/store/store';
import { projectStoreOf } from '../project-of';
import { listRevisions, readMask, saveMask } from '../../dataset/store/revisions';
import { importFolder, type SplitSetting } from '../../dataset/import';
import { parseSplitRatios } from '../../dataset/splits';
import type { ParsedInput } from '../../contract/index';
import type { ProjectSummary } from '../../contract/project';
import { loadPreset } from '../../dataset/presets/load';
import { displayBytes, thumbnail } from '../../dataset/thumbnails';
import { toItem } from '../../dataset/store/store';
import { sweepStaleTemps } from '../../dataset/io/atomic';
import { watchForOtherWriters } from './external-changes';
import { readSplitFile } from '../../dataset/split-file';
import { rememberProject } from '../recent-projects';

type ProjectMethods =
  | 'project.open'
  | 'project.summary'
  | 'project.import'
  | 'images.list'
  | 'images.get'
  | 'images.thumbnail'
  | 'images.setStatus'
  | 'images.setTraining'
  | 'masks.get'
  | 'masks.save'
  | 'masks.revisions';

/** The open project's store; its first use by a client starts watching for other processes' writes. */
export function store(ctx: HandlerContext): ProjectStore {
  const s = projectStoreOf(ctx);
  watchForOtherWriters(s, ctx);
  return s;
}

/**
 * The store a write addressed by image id goes to. Ids are per project: when the client says
 * which project it read the image from and this session has another one open, the write is
 * refused rather than applied to whatever photo has that id here.
 */
export function storeFor(ctx: HandlerContext, expected: string | undefined): ProjectStore {
  const s = store(ctx);
  if (expected !== undefined && resolve(expected) !== s.dir) {
    throw new DomainError({
      code: 'conflict',
      field: 'project',
      message: `the image was read from project ${resolve(expected)}, but this session's project is now ${s.dir}; reopen that project to save into it`,
    });
  }
  return s;
}

export function changed(ctx: HandlerContext, s: ProjectStore, imageIds: number[] | null): void {
  ctx.emit('project.changed', { dir: s.dir, imageIds });
}

function splitSetting(split: ParsedInput<'project.import'>['split']): SplitSetting | undefined {
  if (split === undefined) return undefined;
  if (split === 'none') return { kind: 'none' };
  let ratios;
  try {
    ratios = split.ratios ? parseSplitRatios(split.ratios.join('/')) : undefined;
  } catch (error) {
    throw new DomainError({ code: 'invalid_input', field: 'split.ratios', message: (error as Error).message });
  }
  return { kind: 'auto', ratios, seed: split.seed };
}

/**
 * Makes `s` this session's project: stale temps cleared, the host's recent list updated (a list
 * that cannot be written is logged, never a failed open), and the client told everything changed.
 */
export async function openedInSession(ctx: HandlerContext, s: ProjectStore): Promise<ProjectSummary> {
  ctx.session.projectDir = s.dir;
  watchForOtherWriters(s, ctx);
  // Temp files of writers killed mid-write are never part of the project: clear them.
  await sweepStaleTemps(s.dir);
  const summary = s.summary();
  await rememberProject(summary).catch((error: unknown) => ctx.log('warn', 'project', `recent projects not saved: ${(error as Error).message}`));
  changed(ctx, s, null);
  return summary;
}

export const projectHandlers: Pick<Handlers, ProjectMethods> = {
  async 'project.open'(input, ctx) {
    const s = openStore(input.dir, { create: input.create });
    return openedInSession(ctx, s);
  },
  async 'project.summary'(_input, ctx) {
    return store(ctx).summary();
  },
  async 'project.import'(input, ctx) {
    const s = store(ctx);
    const preset = loadPreset(input.preset, { colorMap: input.colorMap });
    const fixedSplits = input.splitFile === undefined ? undefined : readSplitFile(input.splitFile);
    // importFolder refuses (busy) while another import into this project runs, in any process.
    const report = await importFolder(s, {
      source: input.source,
      preset,
      mode: input.mode,
      overwriteEdits: input.overwriteEdits,
      overwriteReviewed: input.overwriteReviewed,
      split: splitSetting(input.split),
      fixedSplits,
      onProgress: (p) => ctx.emit('import.progress', p),
    });
    changed(ctx, s, null);
    return report;
  },
  async 'images.list'(input, ctx) {
    return store(ctx).list(input);
  },
  async 'images.get'(input, ctx) {
    const s = store(ctx);
    const row = s.row(input.id);
    const { bytes, mime } = await displayBytes(s, row);
    return { item: toItem(row), bytes, mime };
  },
  async 'images.thumbnail'(input, ctx) {
    const s = store(ctx);
    return { bytes: await thumbnail(s, s.row(input.id), input.size), mime: 'image/jpeg' };
  },
  async 'images.setStatus'(input, ctx) {
    const s = storeFor(ctx, input.project);
    const item = toItem(s.setStatus(input.id, input.status));
    changed(ctx, s, [input.id]);
    return item;
  },
  async 'images.setTraining'(input, ctx) {
    const s = storeFor(ctx, input.project);
    const item = toItem(s.setTraining(input.id, input.inTraining));
    changed(ctx, s, [input.id]);
    return item;
  },
  async 'masks.get'(input, ctx) {
    return readMask(store(ctx), input.id, input.revision);
  },
  async 'masks.save'(input, ctx) {
    const s = storeFor(ctx, input.project);
    const { row, revision } = await saveMask(s, input.id, input.labels, input.width, input.height, {
      author: input.author,
      kind: 'human',
      baseRevision: input.baseRevision,
      editSession: input.editSession,
    });
    changed(ctx, s, [input.id]);
    return { item: toItem(row), revision };
  },
  async 'masks.revisions'(input, ctx) {
    return listRevisions(store(ctx), input.id);
  },
};
