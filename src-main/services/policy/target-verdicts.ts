// The risk policy's verdict per target model: each target's finished runs, turned into the same headlines as
// `mia audit --json` (run-headline.ts) and judged by the one evaluator (policy-verdict.ts). The UI's `audit.verdicts`
// judges every finished run of the workspace; the PDF judges the runs it reports.
import type { PolicyVerdicts, RunSummary, TargetVerdict } from '../../../src-shared/contract/contract';
import { isMiaError, toErrorPayload } from '../../common/errors';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getModel } from '../../workspace/models-repo';
import { listRuns } from '../../workspace/runs-repo';
import { runHeadline } from '../run-headline';
import { readAuditSettings } from './audit-settings';
import { readRiskPolicy, type RiskPolicy } from './policy-file';
import { judgeRuns } from './policy-verdict';

/**
 * One verdict per target of `runs`, in the order the targets first appear. Only finished runs are judged: a failed or
 * cancelled run in the workspace's history is not a measurement (`mia audit` fails such an audit with exit 1 instead).
 */
export function verdictsByTarget(db: WorkspaceDb, policy: RiskPolicy, runs: readonly RunSummary[], prior: number): TargetVerdict[] {
  const byTarget = new Map<number, RunSummary[]>();
  for (const run of runs.filter((r) => r.status === 'finished')) {
    byTarget.set(run.targetModelId, [...(byTarget.get(run.targetModelId) ?? []), run]);
  }
  return [...byTarget].map(([targetModelId, targetRuns]) => ({
    targetModelId,
    targetName: getModel(db, targetModelId).name,
    runIds: targetRuns.map((run) => run.id),
    verdict: judgeRuns(
      policy,
      targetRuns.map((run) => runHeadline(db, run, prior)),
    ),
  }));
}

/** The workspace's policy applied to all its finished runs; a policy that cannot be read or parsed is returned as its error. */
export function workspaceVerdicts(db: WorkspaceDb): PolicyVerdicts {
  const { policyPath, memberPrior } = readAuditSettings(db);
  const answer = { policyPath, memberPrior, policyError: null, targets: [] };
  if (policyPath === null) return answer;
  let policy: RiskPolicy;
  try {
    policy = readRiskPolicy(policyPath);
  } catch (error) {
    // A policy problem is the auditor's to fix in the file, not a failure of the call: the view shows it in place.
    if (isMiaError(error)) return { ...answer, policyError: toErrorPayload(error) };
    throw error;
  }
  return { ...answer, targets: verdictsByTarget(db, policy, listRuns(db), memberPrior) };
}
