// The line `mia audit` prints per run without --json: AUC with its interval, TPR at 1 % FPR and the ε bound for a
// per-record attack; for a set-level inference run (which has no AUC by design) its p-values, effect size, set sizes
// and the decision at 1 % instead of a row of "n/a".
import { formatCount } from '../../src-shared/presentation/format';
import { formatEpsilon } from '../../src-shared/presentation/privacy-bound-text';
import { formatPValue, setInferenceDecisionWords } from '../../src-shared/presentation/set-inference-text';
import type { RunHeadline } from '../services/run-headline';

export function headlineLine(h: RunHeadline): string {
  const fmt = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(3));
  const warnings = Object.entries(h.checks)
    .filter(([, c]) => c.status === 'warn')
    .map(([kind]) => kind);
  const set = h.metrics.set_inference;
  const figures = set
    ? [
        `p ${formatPValue(set.p_value)} (Mann–Whitney)`,
        `Welch p ${formatPValue(set.welch?.p_value)}`,
        `effect ${fmt(set.effect_size)}`,
        `${formatCount(set.suspects)} suspects vs ${formatCount(set.references)} references`,
        setInferenceDecisionWords(set.p_value),
      ].join('  ')
    : `AUC ${fmt(h.metrics.auc)} [${fmt(h.metrics.auc_ci[0])}, ${fmt(h.metrics.auc_ci[1])}]  TPR@1%FPR ${fmt(h.metrics.tpr_at_fpr['0.01'])}  ε≥${h.metrics.epsilon_lb ? formatEpsilon(h.metrics.epsilon_lb.value) : 'n/a'}`;
  return `run ${h.id} ${h.attack.padEnd(16)} ${h.status.padEnd(10)} ${figures}${h.target.label_only ? '  (label-only target)' : ''}${warnings.length ? `  warnings: ${warnings.join(', ')}` : ''}\n`;
}
