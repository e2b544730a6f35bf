// AUC per true class of the audited records (the slices TF Privacy reports for classifiers); a class
// without both members and non-members gets null ("n/a") and a note saying why.
import { MiaError } from '../../common/errors';
import { aucFromRanked } from './roc';
import { rankScores } from './ranked-scores';
import { countClasses } from './score-inputs';
import type { PerClassAuc } from './run-metrics-schema';

export function perClassAuc(
  scores: Float64Array,
  labels: Uint8Array,
  classOfRecord: ArrayLike<number>,
  classNames?: readonly string[],
): PerClassAuc[] {
  countClasses(scores, labels);
  if (classOfRecord.length !== scores.length) {
    throw new MiaError('metrics.length-mismatch', `Per-class AUC: ${scores.length} scores but ${classOfRecord.length} class labels.`, {
      scores: scores.length,
      classes: classOfRecord.length,
    });
  }
  const positionsByClass = new Map<number, number[]>();
  for (let i = 0; i < classOfRecord.length; i++) {
    const classIndex = classOfRecord[i]!;
    if (!Number.isInteger(classIndex) || classIndex < 0) {
      throw new MiaError(
        'metrics.invalid-class',
        `Per-class AUC: the class label at position ${i} is ${String(classIndex)}; expected a class index ≥ 0.`,
        { index: i },
      );
    }
    let positions = positionsByClass.get(classIndex);
    if (!positions) positionsByClass.set(classIndex, (positions = []));
    positions.push(i);
  }
  const result: PerClassAuc[] = [];
  for (const classIndex of [...positionsByClass.keys()].sort((a, b) => a - b)) {
    const positions = positionsByClass.get(classIndex)!;
    const sliceScores = Float64Array.from(positions, (i) => scores[i]!);
    const sliceLabels = Uint8Array.from(positions, (i) => labels[i]!);
    let members = 0;
    for (const label of sliceLabels) members += label;
    const nonMembers = sliceLabels.length - members;
    const className = classNames?.[classIndex] ?? null;
    const missing = members === 0 ? 'no members' : nonMembers === 0 ? 'no non-members' : null;
    result.push({
      classIndex,
      className,
      members,
      nonMembers,
      auc: missing ? null : aucFromRanked(rankScores(sliceScores, sliceLabels)),
      note: missing ? `n/a: this class has ${missing} among the evaluated records.` : null,
    });
  }
  return result;
}
