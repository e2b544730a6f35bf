// Out-of-fold member scores from a logistic regression that sees only the records' own features, never the
// target model: every record is scored by a model fitted on the other folds.
import { MiaError } from '../../../common/errors';
import type { SeededRandom } from '../../random/seeded-random';
import { checkFeatureMatrix, type FeatureMatrix } from './feature-matrix';
import { fitLogisticRegression, predictLogit, type LogisticRegressionOptions } from './logistic-regression';
import { stratifiedFolds } from './stratified-folds';

export const DEFAULT_FOLDS = 5;

export interface CrossValidatedScores {
  /** Out-of-fold logits, higher = member. */
  readonly scores: Float64Array;
  /** Folds actually used: fewer than asked when a class has fewer records than folds. */
  readonly folds: number;
  readonly iterations: readonly number[];
}

export function crossValidatedScores(
  matrix: FeatureMatrix,
  labels: Uint8Array,
  random: SeededRandom,
  options: LogisticRegressionOptions & { folds?: number } = {},
): CrossValidatedScores {
  checkFeatureMatrix(matrix, labels.length);
  let members = 0;
  for (const label of labels) members += label;
  const smallerClass = Math.min(members, labels.length - members);
  const folds = Math.min(options.folds ?? DEFAULT_FOLDS, smallerClass);
  if (folds < 2) {
    throw new MiaError(
      'checks.too-few-records',
      `Cross-validation needs at least 2 members and 2 non-members; got ${members} members and ${labels.length - members} non-members.`,
      { members, nonMembers: labels.length - members },
    );
  }
  const assignment = stratifiedFolds(labels, folds, random.fork('folds'));
  const scores = new Float64Array(labels.length);
  const iterations: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const training: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < labels.length; i++) (assignment[i] === fold ? held : training).push(i);
    const model = fitLogisticRegression(matrix, labels, Int32Array.from(training), options);
    iterations.push(model.iterations);
    for (const row of held) scores[row] = predictLogit(model, matrix, row);
  }
  return { scores, folds, iterations };
}
