// What a classifier gave for a list of records: probabilities for every record, logits when the model has them.
export interface ClassifierOutputs {
  readonly classes: number;
  /** Row-major [records, classes]. */
  readonly probabilities: Float32Array;
  /** Row-major [records, classes]; null when the model outputs probabilities only. */
  readonly logits: Float32Array | null;
}

/** Probabilities are clamped to at least this before any log, so that a confident model never produces −∞. */
export const probabilityFloor = 1e-12;

export function clampProbability(p: number): number {
  return Math.min(1 - probabilityFloor, Math.max(probabilityFloor, p));
}

export function trueClassProbability(outputs: ClassifierOutputs, row: number, label: number): number {
  return outputs.probabilities[row * outputs.classes + label]!;
}
