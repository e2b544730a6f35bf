// Migration 1: the first workspace schema. Never edit a landed migration; add the next number instead.
export const migration001Initial = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE datasets (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL,
  source_kind   TEXT    NOT NULL CHECK (source_kind IN ('manifest-csv', 'manifest-jsonl', 'imagefolder', 'idx', 'cifar')),
  source_path   TEXT    NOT NULL,
  root_path     TEXT    NOT NULL,
  status        TEXT    NOT NULL CHECK (status IN ('importing', 'ready')),
  record_count  INTEGER NOT NULL DEFAULT 0,
  owner_pid     INTEGER,
  class_names   TEXT,
  created_at    TEXT    NOT NULL
);

CREATE TABLE records (
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
  role          TEXT    NOT NULL CHECK (role IN ('audit', 'calibration', 'aux', 'population', 'nonmember-reference', 'pool')),
  thumbnail     BLOB,
  UNIQUE (dataset_id, record_key)
);
CREATE INDEX records_by_dataset_role ON records (dataset_id, role);

CREATE TABLE model_sets (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL,
  purpose       TEXT    NOT NULL CHECK (purpose IN ('shadow', 'reference')),
  manifest_path TEXT    NOT NULL,
  created_at    TEXT    NOT NULL
);

CREATE TABLE models (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('classifier', 'clip', 'diffusion')),
  role          TEXT    NOT NULL CHECK (role IN ('target', 'shadow', 'reference', 'null')),
  model_set_id  INTEGER REFERENCES model_sets(id) ON DELETE CASCADE,
  files         TEXT    NOT NULL,
  sha256        TEXT    NOT NULL,
  config        TEXT    NOT NULL,
  io            TEXT    NOT NULL,
  trained_on    TEXT,
  created_at    TEXT    NOT NULL
);
CREATE INDEX models_by_set ON models (model_set_id);

CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  attack          TEXT    NOT NULL,
  family          TEXT    NOT NULL CHECK (family IN ('classifier', 'clip', 'diffusion')),
  target_model_id INTEGER NOT NULL REFERENCES models(id),
  dataset_id      INTEGER NOT NULL REFERENCES datasets(id),
  config          TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted')),
  engine_version  TEXT    NOT NULL,
  model_hash      TEXT    NOT NULL,
  data_hash       TEXT    NOT NULL,
  group_key       TEXT,
  variant         TEXT,
  rerun_of        INTEGER REFERENCES runs(id),
  created_at      TEXT    NOT NULL,
  started_at      TEXT,
  finished_at     TEXT,
  timings         TEXT,
  model_calls     INTEGER NOT NULL DEFAULT 0,
  owner_pid       INTEGER,
  error           TEXT
);
CREATE INDEX runs_by_status ON runs (status);

CREATE TABLE run_log (
  id       INTEGER PRIMARY KEY,
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  at       TEXT    NOT NULL,
  level    TEXT    NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  message  TEXT    NOT NULL
);
CREATE INDEX run_log_by_run ON run_log (run_id);

CREATE TABLE scores (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  record_id  INTEGER NOT NULL REFERENCES records(id),
  score      REAL    NOT NULL,
  PRIMARY KEY (run_id, record_id)
) WITHOUT ROWID;

CREATE TABLE metrics (
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name      TEXT    NOT NULL,
  slice     TEXT    NOT NULL DEFAULT '',
  value     REAL,
  ci_low    REAL,
  ci_high   REAL,
  note      TEXT,
  PRIMARY KEY (run_id, name, slice)
) WITHOUT ROWID;

CREATE TABLE checks (
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind      TEXT    NOT NULL CHECK (kind IN ('polarity', 'null-model', 'blind-baseline')),
  status    TEXT    NOT NULL CHECK (status IN ('ok', 'warn', 'not-applicable')),
  value     REAL,
  message   TEXT    NOT NULL,
  details   TEXT,
  PRIMARY KEY (run_id, kind)
) WITHOUT ROWID;

CREATE TABLE exports (
  id         INTEGER PRIMARY KEY,
  kind       TEXT    NOT NULL CHECK (kind IN ('pdf', 'csv', 'workspace-backup')),
  path       TEXT    NOT NULL,
  run_ids    TEXT    NOT NULL,
  sha256     TEXT,
  created_at TEXT    NOT NULL
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) WITHOUT ROWID;
`,
} as const;
