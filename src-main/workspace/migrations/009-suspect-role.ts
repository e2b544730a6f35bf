// Migration 9: records may have the role "suspect" (set-level inference asks whether a suspect collection, as a
// whole, was trained on). SQLite cannot change a CHECK constraint in place, so `records` is rebuilt with the wider
// list; `scores` refers to records and is rebuilt with it, so no foreign key points at a dropped table at any moment
// and the rebuild works with foreign keys on, inside the migration's transaction. Ids and rows are kept as they are.
export const migration009SuspectRole = {
  version: 9,
  name: 'suspect-role',
  sql: `
CREATE TABLE records_rebuilt (
  id            INTEGER PRIMARY KEY,
  dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  record_key    TEXT    NOT NULL,
  path          TEXT    NOT NULL,
  source_index  INTEGER,
  sha256        TEXT    NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  channels      INTEGER NOT NULL,
  label         INTEGER,
  caption       TEXT,
  member        INTEGER CHECK (member IN (0, 1)),
  role          TEXT    NOT NULL CHECK (role IN ('audit', 'calibration', 'aux', 'population', 'nonmember-reference', 'pool', 'suspect')),
  thumbnail     BLOB,
  UNIQUE (dataset_id, record_key)
);
INSERT INTO records_rebuilt (id, dataset_id, record_key, path, source_index, sha256, width, height, channels, label, caption, member, role, thumbnail)
  SELECT id, dataset_id, record_key, path, source_index, sha256, width, height, channels, label, caption, member, role, thumbnail FROM records;
CREATE TABLE scores_rebuilt (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  record_id  INTEGER NOT NULL REFERENCES records_rebuilt(id),
  score      REAL    NOT NULL,
  PRIMARY KEY (run_id, record_id)
) WITHOUT ROWID;
INSERT INTO scores_rebuilt (run_id, record_id, score) SELECT run_id, record_id, score FROM scores;
DROP TABLE scores;
DROP TABLE records;
ALTER TABLE records_rebuilt RENAME TO records;
ALTER TABLE scores_rebuilt RENAME TO scores;
CREATE INDEX records_by_dataset_role ON records (dataset_id, role);
`,
} as const;
