// How a set-level inference result reads in run details, Compare, `mia audit` and the PDF: the p-values, the effect
// size, the decision at the 1 % level in words, and what the test can and cannot say. One wording, so the screen,
// the terminal and the paper agree. Plain TypeScript: no Vue, no DOM.
import type { StoredSetInference } from '../domain/set-inference';
import { formatCount, formatMetric } from './format';

/** The level at which a suspect set is called detected: the one the README, the policy examples and the tests use. */
export const SET_INFERENCE_DECISION_LEVEL = 0.01;

/** "0.0031", "1.2e-9" or "n/a": a p-value keeps two significant digits however small it is. */
export function formatPValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value === 0) return '0';
  return value < 1e-4 ? value.toExponential(1) : String(Number(value.toPrecision(2)));
}

/** Whether a one-sided Mann–Whitney p-value calls the suspect set detected at the decision level. */
export function setInferenceDetected(pValue: number): boolean {
  return pValue < SET_INFERENCE_DECISION_LEVEL;
}

/** The decision in a few words, for a table cell or a terminal line. */
export function setInferenceDecisionWords(pValue: number): string {
  return setInferenceDetected(pValue) ? 'suspects scored as members' : 'no evidence at the 1 % level';
}

/** The decision at 1 % in words, with the p-value it rests on. */
export function setInferenceDecision(result: StoredSetInference): string {
  return setInferenceDetected(result.pValue)
    ? `The suspect set is scored as members more than the reference set: p = ${formatPValue(result.pValue)} (one-sided Mann–Whitney U).`
    : `No evidence at the 1 % level that the suspect set is scored as members more than the reference set (p = ${formatPValue(result.pValue)}).`;
}

/** "0.83 (a suspect outscores a reference 83 % of the time; 0.5 = no difference)". */
export function setInferenceEffectText(result: StoredSetInference): string {
  return `${formatMetric(result.commonLanguage)} (a suspect outscores a reference ${Math.round(result.commonLanguage * 100)} % of the time; 0.5 = no difference)`;
}

/** "30 suspects vs 100 references". */
export function setInferenceSizesText(result: StoredSetInference): string {
  return `${formatCount(result.suspects)} suspects vs ${formatCount(result.references)} references`;
}

/** Welch's t in words, or why it is not read: it needs two records per group, and is only read on large enough groups. */
export function welchText(result: StoredSetInference): string {
  const welch = result.welch;
  if (!welch) return 'n/a (fewer than two records in a group)';
  const figures = `p = ${formatPValue(welch.pValue)}, t = ${welch.t.toFixed(2)}, Cohen's d = ${welch.cohensD.toFixed(2)}`;
  return welch.appropriate ? figures : `${figures} (groups too small for the t approximation; read the Mann–Whitney p-value)`;
}

/** What a significant result means and when it does not apply (run details and the PDF). */
export const SET_INFERENCE_LIMIT_TEXT =
  'A significant result says that this attack scores the suspect records as more member-like than non-members from the same ' +
  'distribution; it is evidence that the collection, as a group, was trained on, and says nothing about any single record. ' +
  'It needs the reference records to truly come from the same distribution as the suspects: if they differ (another source, ' +
  'period or preprocessing), the test measures that shift, not membership. A non-significant result is not proof of ' +
  'non-use: the power curve shows how large a suspect set this attack needs.';

/** Compare's rows for set-level runs: label and cell text; a per-record run's cells read "—". */
export const setInferenceCompareRows: readonly {
  readonly key: string;
  readonly label: string;
  readonly cell: (result: StoredSetInference) => string;
}[] = [
  { key: 'p', label: 'Set inference p-value (Mann–Whitney)', cell: (result) => formatPValue(result.pValue) },
  { key: 'welch-p', label: "Set inference p-value (Welch's t)", cell: (result) => formatPValue(result.welch?.pValue) },
  { key: 'effect', label: 'Set inference effect size', cell: (result) => formatMetric(result.commonLanguage) },
  {
    key: 'sizes',
    label: 'Suspects / references',
    cell: (result) => `${formatCount(result.suspects)} / ${formatCount(result.references)}`,
  },
  { key: 'decision', label: 'Decision at 1 %', cell: (result) => setInferenceDecisionWords(result.pValue) },
];
