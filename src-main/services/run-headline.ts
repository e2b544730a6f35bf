// The headline figures of a finished run in the shape `mia audit --json` prints: AUC with its interval, TPR at
// the three FPR bounds, balanced accuracy, advantage, the empirical ε lower bound and Gaussian-DP μ, the validity
// checks, and on a set-inference run its p-value, effect sizes and power table.
import type { RunSummary } from '../../src-shared/contract/contract';
import type { MetricName } from '../../src-shared/domain/metric-names';
import { DEFAULT_MEMBER_PRIOR, operatingPointRowsOf, precisionAtPrior } from '../../src-shared/domain/precision-at-prior';
import { readEpsilonBound, type EpsilonMethod } from '../../src-shared/domain/privacy-bound';
import { readSetInference, setInferenceHeadline, type SetInferenceHeadline } from '../../src-shared/domain/set-inference';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getModel } from '../workspace/models-repo';
import { getRunProvenance, readChecks, readMetrics } from '../workspace/runs-repo';

export interface RunHeadline {
  id: number;
  /** The run's name (generated, or the auditor's): what tells two variants of one attack apart. */
  name: string;
  attack: string;
  /** The attack's parameters as the run used them, defaults filled in. */
  params: Record<string, unknown>;
  status: RunSummary['status'];
  /** `label_only`: the target was treated as label-only (only its predicted labels were read); absent otherwise. */
  target: { id: number; name: string; sha256: string; label_only?: true };
  /** The ONNX Runtime execution provider the run used ('cpu', 'cuda'); absent until it finishes. */
  execution_provider?: string;
  metrics: {
    auc: number | null;
    auc_ci: [number | null, number | null];
    tpr_at_fpr: { '0.001': number | null; '0.01': number | null; '0.1': number | null };
    balanced_accuracy: number | null;
    advantage: number | null;
    /** null for a run stored before the bound existed; `guesses` is the number of audited records scored. */
    epsilon_lb: { value: number | null; delta: number; confidence: number; method: EpsilonMethod; guesses: number } | null;
    gdp_mu: number | null;
    /** Precision at the operating threshold if members were `prior` of the population; null when nothing was flagged. */
    ppv_at_prior: { prior: number; value: number | null };
    /** Set-level inference (p-value, effect sizes, power table); only on a set-inference run. */
    set_inference?: SetInferenceHeadline;
  };
  checks: Record<string, { status: string; value: number | null; message: string }>;
  error?: { code: string; message: string };
}

/** `prior`: the fraction of members in the population the precision is stated for (`mia audit --prior`). */
export function runHeadline(db: WorkspaceDb, run: RunSummary, prior = DEFAULT_MEMBER_PRIOR): RunHeadline {
  const rows = readMetrics(db, run.id);
  const metrics = rows.filter((m) => m.slice === '');
  const row = (name: MetricName) => metrics.find((m) => m.name === name);
  const value = (name: MetricName): number | null => row(name)?.value ?? null;
  const auc = row('auc');
  const epsilon = readEpsilonBound(metrics);
  const target = getModel(db, run.targetModelId);
  const headline: RunHeadline = {
    id: run.id,
    name: run.name,
    attack: run.attack,
    params: run.params,
    status: run.status,
    target: { id: target.id, name: target.name, sha256: target.sha256, ...(target.labelOnly ? { label_only: true as const } : {}) },
    metrics: {
      auc: auc?.value ?? null,
      auc_ci: [auc?.ciLow ?? null, auc?.ciHigh ?? null],
      tpr_at_fpr: { '0.001': value('tpr@0.001'), '0.01': value('tpr@0.01'), '0.1': value('tpr@0.1') },
      balanced_accuracy: value('balanced_accuracy'),
      advantage: value('advantage'),
      epsilon_lb: epsilon
        ? { value: epsilon.value, delta: epsilon.delta, confidence: epsilon.confidence, method: epsilon.method, guesses: epsilon.guesses }
        : null,
      gdp_mu: value('gdp_mu'),
      ppv_at_prior: {
        prior,
        value: precisionAtPrior(operatingPointRowsOf(metrics), prior),
      },
    },
    checks: Object.fromEntries(readChecks(db, run.id).map((c) => [c.kind, { status: c.status, value: c.value, message: c.message }])),
  };
  // From every row: the power curve's rows have a slice per set size.
  const setInference = readSetInference(rows);
  if (setInference) headline.metrics.set_inference = setInferenceHeadline(setInference);
  const executionProvider = getRunProvenance(db, run.id).executionProvider;
  if (executionProvider !== null) headline.execution_provider = executionProvider;
  if (run.error) headline.error = { code: run.error.code, message: run.error.message };
  return headline;
}
