// How qmia sees its quantile regressor: records and their scores in, a trained ONNX regressor out that predicts a
// quantile per record. Training (a PyTorch recipe run as a child process) and inference (ONNX Runtime) are the
// engine job's business (jobs/quantile-regressor-trainer.ts); the attack only decides what to train on.
import type { JobContext } from '../../jobs/job-context';
import type { RunRecord } from '../run-record';

export interface QuantileRegressorRequest {
  /** Training and held-out records together; images only, labels unused. */
  readonly records: readonly RunRecord[];
  /** The score (φ) the model under attack gave each record. */
  readonly scores: Float64Array;
  /** 1 for a held-out record: not trained on, used for the coverage and the conformal shift. */
  readonly heldOut: Uint8Array;
  /** The quantile level learnt, 1 − α. */
  readonly quantile: number;
  /** Channels of the first convolution; the CNN's other layers scale with it. */
  readonly width: number;
  readonly epochs: number;
  readonly seed: number;
  /** Names the model the scores came from (the target or the null model), for the file names and the progress. */
  readonly scoredBy: string;
}

export interface TrainedQuantileRegressor {
  /** The exported ONNX file, inside the run's folder of the workspace, and its SHA-256. */
  readonly file: string;
  readonly sha256: string;
  /** Fractions of training and held-out records at or below their predicted quantile (1 − α when well fitted). */
  readonly trainCoverage: number;
  readonly heldOutCoverage: number | null;
  /** Predicted quantiles of `records`, in order. */
  predict(records: readonly RunRecord[]): Promise<Float64Array>;
  release(): Promise<void>;
}

export interface QuantileRegressorTrainer {
  /** Progress (epochs), the recipe's log lines and cancellation go through the attack's job context. */
  train(request: QuantileRegressorRequest, ctx: JobContext): Promise<TrainedQuantileRegressor>;
}
