// The workspace's audit settings: which risk policy file the UI judges every target against, and the prior fraction
// of members that precision is stated for. Stored as workspace settings, so every front door opening the workspace
// sees the same ones. The policy file is only named here; it is read (and its errors shown) when verdicts are asked.
import path from 'node:path';
import type { z } from 'zod';
import { MemberPrior, type AuditSettings, type AuditSettingsUpdate } from '../../../src-shared/contract/contract-audit';
import { DEFAULT_MEMBER_PRIOR } from '../../../src-shared/domain/precision-at-prior';
import { parseWith } from '../../common/parse';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getSetting, setSetting, settingKeys } from '../../workspace/settings-repo';

export function readAuditSettings(db: WorkspaceDb): AuditSettings {
  const prior = getSetting(db, settingKeys.memberPrior);
  return {
    policyPath: getSetting(db, settingKeys.policyPath),
    memberPrior:
      prior === null
        ? DEFAULT_MEMBER_PRIOR
        : parseWith(MemberPrior, Number(prior), `The workspace setting ${settingKeys.memberPrior}`, 'workspace.corrupt-column'),
  };
}

/** `parsed`: the contract's request, already checked by the router; a relative policy path is made absolute. */
export function updateAuditSettings(db: WorkspaceDb, parsed: z.output<typeof AuditSettingsUpdate>): AuditSettings {
  db.transaction(() => {
    if (parsed.policyPath !== undefined)
      setSetting(db, settingKeys.policyPath, parsed.policyPath === null ? null : path.resolve(parsed.policyPath));
    if (parsed.memberPrior !== undefined) setSetting(db, settingKeys.memberPrior, String(parsed.memberPrior));
  })();
  return readAuditSettings(db);
}
