// Migration 10: the ONNX Runtime execution provider a run's sessions used ('cpu', 'cuda'), written when the run
// finishes, as part of its provenance. Runs finished before this migration all ran on the CPU, the only provider
// the engine opened sessions with then.
export const migration010ExecutionProvider = {
  version: 10,
  name: 'execution-provider',
  sql: `
ALTER TABLE runs ADD COLUMN execution_provider TEXT;
UPDATE runs SET execution_provider = 'cpu' WHERE status = 'finished';
`,
} as const;
