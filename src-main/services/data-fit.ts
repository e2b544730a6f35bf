// Whether a dataset fits a model before anything runs: image size and channels against the model's stored
// preprocessing, captions for CLIP, labels and classes for classifiers. models.check shows these to the auditor and
// a run start refuses them (run.data-mismatch), because the engine would otherwise resize or convert the images
// silently and produce a plausible but meaningless AUC. Only a size difference can be accepted, and only when the
// auditor asks for the resize (RunStartRequest.resize). Everything here reads stored facts only, never a file, so
// New run can ask (models.fit) on every pick without the cost of models.check's file hashing.
import type { DataFitReport } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { checkClassesAgainstDataset } from '../engine/models/model-compat';
import { ModelConfig } from '../engine/models/model-config';
import type { DatasetSummary } from '../../src-shared/domain/records';
import { getDataset } from '../workspace/datasets-repo';
import { getStoredModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { countRecordShapes, countRecords, countUncaptioned, type RecordShape } from '../workspace/records-repo';

export type MismatchKind = DataFitReport['mismatches'][number]['kind'];

export interface DataMismatch {
  readonly kind: MismatchKind;
  readonly message: string;
}

/** Every way the dataset does not fit the model, in a fixed order (size, channels, captions, labels, classes). */
export function findDataMismatches(
  db: WorkspaceDb,
  model: { name: string; config: ModelConfig },
  dataset: Pick<DatasetSummary, 'id' | 'name' | 'classNames'>,
): DataMismatch[] {
  const { config } = model;
  const spec = config.preprocess;
  const shapes = countRecordShapes(db, dataset.id);
  const mismatches: DataMismatch[] = [];

  // A torchvision/Hugging Face resize-then-crop spec takes any image size: that resize is the model's own recipe.
  const anySize = typeof spec.resize === 'object';
  const otherSizes = anySize ? [] : shapes.filter((s) => s.width !== spec.width || s.height !== spec.height);
  if (otherSizes.length > 0) {
    mismatches.push({
      kind: 'size',
      message: `"${model.name}" takes ${spec.width}×${spec.height} images, but ${countOf(otherSizes)} records of "${dataset.name}" are ${sizesOf(otherSizes)}.`,
    });
  }
  // sharp reports 1 or 2 channels (grey, grey + alpha) and 3 or 4 (colour, colour + alpha).
  // Grey images reach a colour model only when its preprocessing says so (expandGrey, do_convert_rgb).
  const otherChannels = shapes.filter((s) => (s.channels >= 3 ? 3 : 1) !== spec.channels && !(spec.expandGrey && s.channels < 3));
  if (otherChannels.length > 0) {
    const fix =
      spec.channels === 3
        ? ' They can be fed to it (grey copied into R, G and B) only if its preprocessing allows it: "expandGrey": true in the sidecar, or "do_convert_rgb": true in preprocessor_config.json.'
        : '';
    mismatches.push({
      kind: 'channels',
      message: `"${model.name}" takes ${channelWord(spec.channels)} images, but ${countOf(otherChannels)} records of "${dataset.name}" are ${channelWord(spec.channels === 1 ? 3 : 1)}.${fix}`,
    });
  }
  if (config.kind === 'clip') {
    const uncaptioned = countUncaptioned(db, dataset.id, 'audit');
    if (uncaptioned > 0) {
      mismatches.push({
        kind: 'captions',
        message: `CLIP attacks compare each image with its caption, but ${uncaptioned} audited records of "${dataset.name}" have no caption.`,
      });
    }
  }
  // A class-conditional denoiser (DiT) is fed each scored record's label; without one, or with a class the model
  // does not have, the run would only fail inside the engine after Start.
  if (config.kind === 'diffusion' && config.conditioning?.kind === 'class') {
    const scored = countRecords(db, dataset.id).byRoleAndLabel.filter((e) => e.role === 'audit' || e.role === 'calibration');
    const unlabelled = scored.filter((e) => e.label === null).reduce((sum, e) => sum + e.count, 0);
    if (unlabelled > 0) {
      mismatches.push({
        kind: 'labels',
        message: `"${model.name}" is class-conditional, but ${unlabelled} audited or calibration records of "${dataset.name}" have no class label to condition on.`,
      });
    }
    const { numClasses } = config.conditioning;
    const outside = scored.filter((e) => e.label !== null && (e.label < 0 || e.label >= numClasses));
    if (outside.length > 0) {
      mismatches.push({
        kind: 'classes',
        message: `"${model.name}" knows classes 0…${numClasses - 1}, but "${dataset.name}" has records labelled ${[...new Set(outside.map((e) => e.label))].join(', ')}.`,
      });
    }
  }
  if (config.kind === 'classifier') {
    const scored = countRecords(db, dataset.id).byRoleAndLabel.filter((e) => e.role === 'audit' || e.role === 'calibration');
    const unlabelled = scored.filter((e) => e.label === null).reduce((sum, e) => sum + e.count, 0);
    if (unlabelled > 0) {
      mismatches.push({
        kind: 'labels',
        message: `${unlabelled} audited or calibration records of "${dataset.name}" have no class label; classifier attacks need one for every record.`,
      });
    }
    const labels = scored.filter((e) => e.label !== null).map((e) => e.label as number);
    const maxLabel = labels.length > 0 ? Math.max(...labels) : null;
    try {
      checkClassesAgainstDataset(config.classes, { name: dataset.name, maxLabel, classNames: dataset.classNames }, model.name);
    } catch (error) {
      if (!(error instanceof MiaError)) throw error;
      mismatches.push({ kind: 'classes', message: error.message });
    }
  }
  return mismatches;
}

/** models.fit: the mismatches of a stored model and dataset, from their stored configuration and record facts. */
export function dataFitReport(db: WorkspaceDb, modelId: number, datasetId: number): DataFitReport {
  const model = getStoredModel(db, modelId);
  const config = parseWith(ModelConfig, model.config, `config of model ${model.id}`, 'workspace.corrupt-column');
  return { modelId, datasetId, mismatches: findDataMismatches(db, { name: model.name, config }, getDataset(db, datasetId)) };
}

/**
 * Refuses a run whose data does not fit its target (`run.data-mismatch`, naming every mismatch), unless the only
 * mismatch is the image size and the auditor chose to resize.
 */
export function assertDataFits(mismatches: readonly DataMismatch[], resize: boolean): void {
  const blocking = mismatches.filter((m) => !(resize && m.kind === 'size'));
  if (blocking.length === 0) return;
  const sizeOnly = blocking.every((m) => m.kind === 'size');
  throw new MiaError(
    'run.data-mismatch',
    `The dataset does not fit the target model (${blocking.map((m) => m.kind).join(', ')}): ${blocking.map((m) => m.message).join(' ')}${
      sizeOnly ? ' Choose "resize images" to run it anyway on resized images.' : ''
    }`,
    { mismatches: blocking.map((m) => m.kind) },
  );
}

function countOf(shapes: readonly RecordShape[]): number {
  return shapes.reduce((sum, s) => sum + s.count, 0);
}

function sizesOf(shapes: readonly RecordShape[]): string {
  const sizes = [...new Set(shapes.map((s) => `${s.width}×${s.height}`))];
  return sizes.length <= 3 ? sizes.join(', ') : `${sizes.slice(0, 3).join(', ')} and ${sizes.length - 3} other sizes`;
}

function channelWord(channels: number): string {
  return channels === 1 ? 'greyscale (1-channel)' : 'colour (3-channel)';
}
