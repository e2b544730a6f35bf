// Facts about the open workspace, for the header of the app and `mia workspace info`.
import type { WorkspaceInfo } from '../../src-shared/contract/contract';
import { engineVersion } from '../common/engine-version';
import { currentSchemaVersion, type WorkspaceDb } from '../workspace/open-workspace';
import { appliedSchemaVersion, readyRowCounts } from '../workspace/workspace-facts';

export function workspaceInfo(db: WorkspaceDb, file: string): WorkspaceInfo {
  return {
    path: file,
    schemaVersion: appliedSchemaVersion(db) ?? currentSchemaVersion,
    engineVersion,
    counts: readyRowCounts(db),
  };
}
