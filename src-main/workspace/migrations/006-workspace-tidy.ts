// Migration 6: what tidying the workspace needs. A dataset keeps the hash of its content (records, their files'
// SHA-256 and their labels), so importing the same content again is noticed without re-reading every older dataset;
// rows from before this migration get theirs the first time an import compares against them. A null model may name
// the target it belongs to, so New run can pre-select it; deleting that target clears the link (the null model is an
// item of its own and stays).
export const migration006WorkspaceTidy = {
  version: 6,
  name: 'workspace-tidy',
  sql: `
ALTER TABLE datasets ADD COLUMN content_sha256 TEXT;
CREATE INDEX datasets_by_content ON datasets (content_sha256);
ALTER TABLE models ADD COLUMN null_for_model_id INTEGER REFERENCES models(id) ON DELETE SET NULL;
CREATE INDEX models_by_null_for ON models (null_for_model_id);
`,
} as const;
