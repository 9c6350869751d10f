// The project database schema as an ordered list of migrations; PRAGMA user_version records how
// many have run. Append a migration, never edit one that has shipped.
import type Database from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    -- Unique regardless of case: images/<name>.<ext> must not collide on macOS or Windows.
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- Relative to the project folder when copied, absolute when linked.
    file TEXT NOT NULL,
    linked INTEGER NOT NULL DEFAULT 0,
    -- EXIF orientation still to apply when reading file (1 = none; copies are stored upright).
    orientation INTEGER NOT NULL DEFAULT 1,
    format TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'unlabeled'
      CHECK (status IN ('unlabeled', 'predicted', 'in-progress', 'done', 'reviewed')),
    split TEXT NOT NULL DEFAULT 'unassigned' CHECK (split IN ('train', 'val', 'test', 'unassigned')),
    -- Set by the user (e.g. --split-file): automatic assignment never moves it.
    split_fixed INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    in_training INTEGER NOT NULL DEFAULT 0,
    mask_revision INTEGER NOT NULL DEFAULT 0,
    -- Bit c set when the current mask contains class c: what split stratification reads.
    classes INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX images_status ON images(status);
  CREATE INDEX images_split ON images(split);
  CREATE TABLE mask_revisions (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    -- Relative to the project folder.
    file TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    classes INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (image_id, revision)
  ) WITHOUT ROWID;
  CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    preset TEXT NOT NULL,
    mode TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    imported INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0
  );
  `,
  // The training set as a rule a user can predict: an image is in it when its split is train and
  // its status is done or reviewed, unless the user overrode that (training_override 0 or 1).
  // Triggers keep in_training true to the rule for every writer (imports, other processes, old
  // code that still writes in_training itself). Existing projects start over from the rule: their
  // old flags came mostly from imports that starred every masked image.
  // mask_revisions: edit_session names the editing session (one open of one image in one client)
  // whose autosaves are coalesced into the revision; saved_at is its last write.
  `
  ALTER TABLE images ADD COLUMN training_override INTEGER CHECK (training_override IN (0, 1));
  ALTER TABLE mask_revisions ADD COLUMN edit_session TEXT;
  ALTER TABLE mask_revisions ADD COLUMN saved_at TEXT;
  CREATE TRIGGER images_training_insert AFTER INSERT ON images BEGIN
    UPDATE images SET in_training = COALESCE(NEW.training_override, NEW.split = 'train' AND NEW.status IN ('done', 'reviewed')) WHERE id = NEW.id;
  END;
  CREATE TRIGGER images_training_update AFTER UPDATE OF status, split, training_override, in_training ON images BEGIN
    UPDATE images SET in_training = COALESCE(NEW.training_override, NEW.split = 'train' AND NEW.status IN ('done', 'reviewed'))
    WHERE id = NEW.id AND in_training IS NOT COALESCE(NEW.training_override, NEW.split = 'train' AND NEW.status IN ('done', 'reviewed'));
  END;
  UPDATE images SET in_training = (split = 'train' AND status IN ('done', 'reviewed'));
  `,
  // A model's latest proposal per image (pre-labelling, active learning): never a mask revision,
  // so nothing a person drew is touched. uncertainty: mean (1 - max probability) over the
  // predicted face region; f1: mean face-part F1 against the mask revision it was compared with.
  `
  CREATE TABLE proposals (
    image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
    -- Relative to the project folder.
    file TEXT NOT NULL,
    model TEXT NOT NULL,
    uncertainty REAL NOT NULL,
    f1 REAL,
    mask_revision INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  `,
  // A labelled image's confident dispute (engine/metrics/dispute.ts): the share of the face where
  // the model is sure and the mask says otherwise, and the class it is about. Null before this
  // migration's proposals are made again, and for unlabelled images.
  `
  ALTER TABLE proposals ADD COLUMN dispute REAL;
  ALTER TABLE proposals ADD COLUMN dispute_class INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`${file}: made by a newer Facet Studio (schema ${current}, this one knows ${SCHEMA_VERSION})`);
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
