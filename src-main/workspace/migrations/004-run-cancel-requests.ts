// Migration 4: a run records when a cancel was requested, so a cancel can come from any process on the workspace
// (the owner polls for it) and a run whose cancel was acknowledged can never land as finished (see runs-repo.ts).
export const migration004RunCancelRequests = {
  version: 4,
  name: 'run-cancel-requests',
  sql: `
ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT;
`,
} as const;
