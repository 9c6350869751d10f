// One project's database: opening (creating the folder layout), the image index and its queries.
// Mask revisions live in revisions.ts. Stores are cached per folder so every handler, the import
// and training share one connection (better-sqlite3 is synchronous; WAL lets other processes read).
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import { IMAGE_STATUSES, SPLITS, type ImageItem, type ImageSort, type ImageStatus, type ProjectSummary, type Split } from '../../contract/project';
import { makeFolder } from '../io/folders';
import { imageFilePath, insideProject, maskFilePath } from './paths';
import { migrate } from './schema';

export const DB_FILE = 'facet.db';
/** Where a project keeps its training runs (the engine's run folders). */
export const RUNS_DIR = 'runs';
export const PROJECT_DIRS = ['images', 'masks', 'thumbs', RUNS_DIR] as const;

export interface ImageRow {
  id: number;
  name: string;
  file: string;
  linked: number;
  orientation: number;
  format: string;
  width: number;
  height: number;
  sha256: string;
  status: ImageStatus;
  split: Split;
  split_fixed: number;
  source: string;
  in_training: number;
  /** null: in_training follows the rule (schema.ts); 0 or 1: the user's choice. */
  training_override: number | null;
  mask_revision: number;
  classes: number;
  created_at: string;
  updated_at: string;
}

export interface RevisionRow {
  image_id: number;
  revision: number;
  file: string;
  author: string;
  kind: string;
  classes: number;
  created_at: string;
  /** The editing session whose autosaves were coalesced into this revision (null: none). */
  edit_session: string | null;
  /** The last write of a coalesced revision (null: written once, at created_at). */
  saved_at: string | null;
}

export type NewImage = Omit<ImageRow, 'id' | 'created_at' | 'updated_at' | 'mask_revision' | 'classes' | 'training_override'>;

export interface ImageFilter {
  status?: ImageStatus | undefined;
  split?: Split | undefined;
  search?: string | undefined;
  offset?: number;
  limit?: number;
  /** Active learning: most uncertain proposal first, or worst proposal F1 against the mask first (then by name). */
  sort?: ImageSort | undefined;
}

/** ORDER BY of each sort; images without a proposal (or without an F1) come last. */
const SORT_ORDER: Record<ImageSort, string> = {
  name: 'images.name',
  uncertainty: 'p.uncertainty IS NULL, p.uncertainty DESC, images.name',
  f1: 'p.f1 IS NULL, p.f1 ASC, images.name',
  disputed: 'p.dispute IS NULL, p.dispute DESC, images.name',
};

/** Each image's latest proposal, for the active-learning columns and sorts. */
const PROPOSAL_JOIN = 'LEFT JOIN proposals p ON p.image_id = images.id';

export function now(): string {
  return new Date().toISOString();
}

export function toItem(row: ImageRow): ImageItem {
  return {
    id: row.id,
    name: row.name,
    width: row.width,
    height: row.height,
    status: row.status,
    split: row.split,
    splitLocked: row.split_fixed === 1,
    source: row.source,
    maskRevision: row.mask_revision,
    inTraining: row.in_training === 1,
    trainingOverride: row.training_override === null ? null : row.training_override === 1,
    updatedAt: row.updated_at,
  };
}

export class ProjectStore {
  readonly dir: string;
  readonly db: Database.Database;

  private constructor(dir: string, db: Database.Database) {
    this.dir = dir;
    this.db = db;
  }

  /** Opens the project in `dir`; with `create`, makes the folder and its layout first. */
  static open(dir: string, create: boolean): ProjectStore {
    const root = resolve(dir);
    const dbFile = join(root, DB_FILE);
    if (!existsSync(dbFile)) {
      if (!create) {
        throw new DomainError({ code: 'not_found', file: root, message: `${root}: not a Facet project (no ${DB_FILE}); open it with create to make one` });
      }
      if (existsSync(root) && !statSync(root).isDirectory()) {
        throw new DomainError({ code: 'bad_file', file: root, message: `${root}: exists and is not a folder` });
      }
    }
    makeFolder(root, 'project');
    for (const sub of PROJECT_DIRS) makeFolder(join(root, sub), 'project');
    // Inside Electron the driver must be built for Electron's ABI: `npm start` builds that copy
    // (scripts/electron-native.mjs) and main.ts points FACET_SQLITE_BINDING at it.
    const binding = process.env['FACET_SQLITE_BINDING'];
    const db = new Database(dbFile, binding ? { nativeBinding: binding } : {});
    try {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, dbFile);
      db.prepare(`INSERT OR IGNORE INTO meta(key, value) VALUES ('created_at', ?)`).run(now());
    } catch (error) {
      db.close();
      throw error;
    }
    return new ProjectStore(root, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Absolute path of `rel` inside the project; refuses anything that would leave it. */
  path(rel: string): string {
    return insideProject(this.dir, rel, rel);
  }

  /** The photo of an image row, checked (see paths.ts): the only way a row's file becomes a path. */
  imagePath(row: Pick<ImageRow, 'id' | 'name' | 'file' | 'linked'>): string {
    return imageFilePath(this.dir, row, () => this.linkSources());
  }

  /** The file of a mask revision row, checked like imagePath. */
  maskPath(rev: Pick<RevisionRow, 'image_id' | 'revision' | 'file'>): string {
    return maskFilePath(this.dir, rev);
  }

  /** Folders that link-mode imports read photos from: where linked photos may live. */
  linkSources(): ReadonlySet<string> {
    const rows = this.db.prepare("SELECT DISTINCT source FROM imports WHERE mode = 'link'").all() as { source: string }[];
    return new Set(rows.map((r) => r.source));
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The run id or model folder the project currently predicts with (set by training). */
  get currentModel(): string | null {
    return this.getMeta('current_model');
  }

  set currentModel(value: string | null) {
    this.setMeta('current_model', value);
  }

  summary(): ProjectSummary {
    const byStatus = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
    const bySplit = Object.fromEntries(SPLITS.map((s) => [s, 0])) as Record<Split, number>;
    let imageCount = 0;
    for (const r of this.db.prepare('SELECT status, split, COUNT(*) AS n FROM images GROUP BY status, split').all() as { status: ImageStatus; split: Split; n: number }[]) {
      byStatus[r.status] += r.n;
      bySplit[r.split] += r.n;
      imageCount += r.n;
    }
    return { dir: this.dir, name: this.getMeta('name') ?? basename(this.dir), imageCount, byStatus, bySplit, currentModel: this.currentModel };
  }

  row(id: number): ImageRow {
    const row = this.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
    if (!row) throw new DomainError({ code: 'not_found', message: `image ${id} not found in ${this.dir}` });
    return row;
  }

  rowByName(name: string): ImageRow | null {
    return (this.db.prepare('SELECT * FROM images WHERE name = ?').get(name) as ImageRow | undefined) ?? null;
  }

  /** Every image row in id order (small projects: thousands of rows, no pixels). */
  allRows(): ImageRow[] {
    return this.db.prepare('SELECT * FROM images ORDER BY id').all() as ImageRow[];
  }

  /** The ids of every image the filter matches (offset and limit ignored), in list order. */
  ids(filter: ImageFilter): number[] {
    const { clause, params } = this.where(filter);
    const order = SORT_ORDER[filter.sort ?? 'name'];
    return (this.db.prepare(`SELECT images.id FROM images ${PROPOSAL_JOIN} ${clause} ORDER BY ${order}`).all(...params) as { id: number }[]).map((r) => r.id);
  }

  list(filter: ImageFilter): { total: number; items: ImageItem[] } {
    const { clause, params } = this.where(filter);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM images ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT images.*, p.uncertainty AS p_uncertainty, p.f1 AS p_f1, p.dispute AS p_dispute, p.dispute_class AS p_dispute_class FROM images ${PROPOSAL_JOIN} ${clause} ORDER BY ${SORT_ORDER[filter.sort ?? 'name']} LIMIT ? OFFSET ?`,
      )
      .all(...params, filter.limit ?? 200, filter.offset ?? 0) as (ImageRow & { p_uncertainty: number | null; p_f1: number | null; p_dispute: number | null; p_dispute_class: number | null })[];
    return { total, items: rows.map((r) => ({ ...toItem(r), uncertainty: r.p_uncertainty, proposalF1: r.p_f1, disputed: r.p_dispute, disputedClass: r.p_dispute_class })) };
  }

  private where(filter: ImageFilter): { clause: string; params: (string | number)[] } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.split) {
      where.push('split = ?');
      params.push(filter.split);
    }
    if (filter.search) {
      where.push("name LIKE ? ESCAPE '\\'");
      params.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }

  insertImage(image: NewImage): ImageRow {
    const time = now();
    const info = this.db
      .prepare(
        `INSERT INTO images (name, file, linked, orientation, format, width, height, sha256, status, split, split_fixed, source, in_training, created_at, updated_at)
         VALUES (@name, @file, @linked, @orientation, @format, @width, @height, @sha256, @status, @split, @split_fixed, @source, @in_training, @time, @time)`,
      )
      .run({ ...image, time });
    return this.row(Number(info.lastInsertRowid));
  }

  setStatus(id: number, status: ImageStatus): ImageRow {
    this.row(id);
    this.db.prepare('UPDATE images SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), id);
    return this.row(id);
  }

  /** Overrides the training-set rule for the image (null: follow the rule again). */
  setTraining(id: number, inTraining: boolean | null): ImageRow {
    this.row(id);
    this.db.prepare('UPDATE images SET training_override = ?, updated_at = ? WHERE id = ?').run(inTraining === null ? null : inTraining ? 1 : 0, now(), id);
    return this.row(id);
  }

  setSplits(assignments: Iterable<[number, Split]>, fixed: boolean): void {
    const update = this.db.prepare('UPDATE images SET split = ?, split_fixed = ?, updated_at = ? WHERE id = ?');
    const time = now();
    this.db.transaction(() => {
      for (const [id, split] of assignments) update.run(split, fixed ? 1 : 0, time, id);
    })();
  }
}

const cache = new Map<string, ProjectStore>();

/** The cached store of `dir` (opening it on first use). */
export function openStore(dir: string, options: { create?: boolean } = {}): ProjectStore {
  const root = resolve(dir);
  const cached = cache.get(root);
  if (cached?.db.open) return cached;
  const store = ProjectStore.open(root, options.create ?? false);
  cache.set(root, store);
  return store;
}

export function closeStore(dir: string): void {
  const root = resolve(dir);
  cache.get(root)?.close();
  cache.delete(root);
}

export function closeAllStores(): void {
  for (const store of cache.values()) store.close();
  cache.clear();
}
