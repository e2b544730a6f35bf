// A workspace with finished runs made directly in SQLite (no model is run): as many records as a test needs, with
// the record ids it chooses, seeded or chosen scores, chosen roles, and a few metrics. For export tests, where only
// stored results matter.
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { createRun, finishRun, insertScores } from '../../src-main/workspace/runs-repo';

export interface SyntheticRuns {
  readonly db: WorkspaceDb;
  readonly runIds: number[];
}

export interface SyntheticRunsOptions {
  readonly records: number;
  readonly runs: number;
  /** Name the first records (the highest-scoring unless `scores` says otherwise); the rest are `r<i>`. */
  readonly keys?: readonly string[];
  /** Every run's score of each record, in record order; by default deterministic scores that fall with the index. */
  readonly scores?: readonly number[];
  /** Each record's role, in record order; by default every record is audited. */
  readonly roles?: readonly ('audit' | 'calibration')[];
}

export function writeSyntheticRuns(file: string, options: SyntheticRunsOptions): SyntheticRuns {
  const db = openWorkspace(file);
  const now = new Date().toISOString();
  const datasetId = Number(
    db
      .prepare(
        "INSERT INTO datasets (name, source_kind, source_path, root_path, status, created_at) VALUES ('synthetic', 'manifest-csv', 'm.csv', '.', 'ready', ?)",
      )
      .run(now).lastInsertRowid,
  );
  const insertRecord = db.prepare(
    'INSERT INTO records (dataset_id, record_key, path, sha256, width, height, channels, label, member, role) VALUES (?, ?, ?, ?, 1, 1, 1, ?, ?, ?)',
  );
  const recordIds: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < options.records; i++) {
      const key = options.keys?.[i] ?? `r${i}`;
      recordIds.push(
        Number(insertRecord.run(datasetId, key, `${i}.png`, `sha${i}`, i % 10, i % 2, options.roles?.[i] ?? 'audit').lastInsertRowid),
      );
    }
  })();
  const modelId = Number(
    db
      .prepare(
        "INSERT INTO models (name, kind, role, files, sha256, config, io, created_at) VALUES ('synthetic model', 'classifier', 'target', '{}', 'h', '{}', '{}', ?)",
      )
      .run(now).lastInsertRowid,
  );
  const runIds: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const runId = createRun(db, {
      attack: 'loss',
      family: 'classifier',
      targetModelId: modelId,
      datasetId,
      config: { seed: run },
      engineVersion: 't',
      modelHash: 'h',
      dataHash: 'd',
    });
    // Deterministic, decreasing with the index so the named keys rank first; members score a little higher.
    const scores = options.scores ?? recordIds.map((_, i) => 1 - i / options.records + ((i % 2) * (run + 1)) / (4 * options.records));
    insertScores(db, runId, recordIds, scores);
    finishRun(db, runId, {
      metrics: [{ name: 'auc', value: 0.5 + 0.01 * run, ciLow: 0.45, ciHigh: 0.6 }],
      checks: [],
      timings: {},
      modelCalls: options.records,
    });
    runIds.push(runId);
  }
  return { db, runIds };
}
