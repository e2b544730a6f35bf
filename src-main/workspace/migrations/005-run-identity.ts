// Migration 5: runs get an identity an auditor can hand over — a name (generated when the run is prepared, editable
// later), tags and a note. Runs from before this migration are named from their attack, target and dataset only;
// their parameters stay visible in Compare's table of differing parameters.
export const migration005RunIdentity = {
  version: 5,
  name: 'run-identity',
  sql: `
ALTER TABLE runs ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
UPDATE runs SET name = attack
  || ' · ' || COALESCE((SELECT name FROM models WHERE models.id = runs.target_model_id), 'model ' || target_model_id)
  || ' · ' || COALESCE((SELECT name FROM datasets WHERE datasets.id = runs.dataset_id), 'dataset ' || dataset_id);
`,
} as const;
