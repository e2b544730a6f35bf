// Facts about the open workspace, for the header of the app and `mia workspace info`.
import type { WorkspaceInfo } from '../../src-shared/contract/contract';
import { engineVersion } from '../common/engine-version';
import { currentSchemaVersion, type WorkspaceDb } from '../workspace/open-workspace';

export function workspaceInfo(db: WorkspaceDb, file: string): WorkspaceInfo {
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  const { version } = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  return {
    path: file,
    schemaVersion: version ?? currentSchemaVersion,
    engineVersion,
    counts: {
      datasets: count("SELECT COUNT(*) AS n FROM datasets WHERE status = 'ready'"),
      records: count("SELECT COUNT(*) AS n FROM records r JOIN datasets d ON d.id = r.dataset_id WHERE d.status = 'ready'"),
      models: count('SELECT COUNT(*) AS n FROM models'),
      runs: count('SELECT COUNT(*) AS n FROM runs'),
    },
  };
}
