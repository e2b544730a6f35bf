// Migration 3: training jobs of the training bridge, so their outcome (per-model accuracies, log, the imported set)
// outlives the session, and crash recovery can mark a job whose process died as interrupted.
export const migration003TrainingJobs = {
  version: 3,
  name: 'training-jobs',
  sql: `
CREATE TABLE training_jobs (
  id              INTEGER PRIMARY KEY,
  purpose         TEXT    NOT NULL CHECK (purpose IN ('shadow', 'reference')),
  status          TEXT    NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'cancelled', 'interrupted')),
  dataset_id      INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  target_model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  folder          TEXT    NOT NULL,
  model_set_id    INTEGER REFERENCES model_sets(id) ON DELETE SET NULL,
  details         TEXT    NOT NULL,
  error           TEXT,
  owner_pid       INTEGER,
  owner_started   TEXT,
  started_at      TEXT    NOT NULL,
  finished_at     TEXT
);
`,
} as const;
