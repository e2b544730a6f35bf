// The recipe's JOB.json (resources/training/train_classifier.py): the tensor file, labels, architecture, recipe and
// per model its pool indices and seed. The local backend and the Slurm backend write the same file; only the paths
// differ (a cluster may mount the folder elsewhere).
import type { TrainingJobSummary } from '../../../src-shared/contract/contract';
import { batchDims } from '../../engine/models/preprocess-spec';
import { SeededRandom } from '../../engine/random/seeded-random';
import type { ResolvedSplitPlan } from './split-plan-files';

/** The stated default architecture (Shokri et al.'s CNN, as the demo target uses it). */
export const trainingArchitecture = { name: 'shokri-cnn', conv1: 16, conv2: 32, hidden: 128 } as const;

export interface TrainingJobFilePaths {
  /** The preprocessed tensors, as the recipe will open them. */
  readonly tensorFile: string;
  /** Where the recipe writes each model's ONNX file. */
  modelFile(name: string): string;
}

export function trainingJobFile(
  plan: ResolvedSplitPlan,
  summary: TrainingJobSummary,
  seed: number,
  threads: number,
  paths: TrainingJobFilePaths,
): Record<string, unknown> {
  const spec = plan.targetConfig.preprocess;
  // Forked per job seed, so a model's seed is the same whichever backend trains it.
  const seeds = new SeededRandom(seed).fork('training/model-seeds');
  return {
    format: 'mia-workbench/training-job',
    version: 1,
    data: {
      file: paths.tensorFile,
      count: plan.pool.length,
      shape: batchDims(spec, 1).slice(1),
      layout: spec.layout,
      labels: plan.pool.map((r) => r.label),
    },
    classes: plan.targetConfig.classes,
    architecture: trainingArchitecture,
    recipe: summary.recipe,
    threads,
    inputName: plan.targetConfig.io.input ?? 'pixel_values',
    outputName: 'logits',
    models: plan.models.map((model) => ({
      name: model.name,
      onnx: paths.modelFile(model.name),
      trainOn: model.trainOn,
      heldOut: model.heldOut,
      seed: seeds.nextInt(2 ** 31),
    })),
  };
}
