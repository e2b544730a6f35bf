// Migration 2: busy rows record their owner's start time beside its pid, so crash recovery can tell a reused pid
// from the process that really owns the row (see process-identity.ts).
export const migration002OwnerStarted = {
  version: 2,
  name: 'owner-started',
  sql: `
ALTER TABLE runs ADD COLUMN owner_started TEXT;
ALTER TABLE datasets ADD COLUMN owner_started TEXT;
`,
} as const;
