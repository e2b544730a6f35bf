// "Check against dataset": before a run, tells the auditor whether a model fits a dataset — files unchanged,
// image input and output shapes fitting the stored preprocessing, every label a class of the model, and audited
// records with labels and ground truth. Reuses the engine's model-compat checks on the stored I/O, so nothing is
// loaded into ONNX Runtime here.
import type { ModelCheckReport } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { checkClassesAgainstDataset, checkClassifierOutput, checkImageInput, pickTensor } from '../engine/models/model-compat';
import { ModelConfig } from '../engine/models/model-config';
import { getDataset } from '../workspace/datasets-repo';
import { getStoredModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { countRecords } from '../workspace/records-repo';
import { findDataMismatches, type MismatchKind } from './data-fit';
import { verifyModelFiles } from './model-files';

type Finding = ModelCheckReport['findings'][number];

/** Runs one check; a MiaError becomes a "problem" finding with its code and message, anything else is rethrown. */
async function attempt(check: string, okMessage: string, work: () => void | Promise<void>): Promise<Finding> {
  try {
    await work();
    return { check, status: 'ok', message: okMessage, code: null };
  } catch (error) {
    if (!(error instanceof MiaError)) throw error;
    return { check, status: 'problem', message: error.message, code: error.code };
  }
}

export async function checkModelAgainstDataset(db: WorkspaceDb, modelId: number, datasetId: number): Promise<ModelCheckReport> {
  const row = getStoredModel(db, modelId);
  const dataset = getDataset(db, datasetId);
  const counts = countRecords(db, datasetId);
  const findings: Finding[] = [];
  const { files, io } = row;
  findings.push(
    await attempt('files', 'The model files are the ones imported (SHA-256 unchanged).', () =>
      verifyModelFiles(row.name, files, row.sha256),
    ),
  );

  const config = parseWith(ModelConfig, row.config, `config of model ${row.id}`, 'workspace.corrupt-column');
  const scored = counts.byRoleAndLabel.filter((entry) => entry.role === 'audit' || entry.role === 'calibration');
  const audited = counts.byRole.audit ?? 0;

  if (config.kind === 'classifier') {
    const file = files.model?.path ?? row.name;
    const tensors = io.model ?? { inputs: [], outputs: [] };
    findings.push(
      await attempt('input', `The image input fits the preprocessing (${describeSpec(config.preprocess)}).`, () =>
        checkImageInput(pickTensor(tensors.inputs, config.io.input, 'input', file), config.preprocess, file),
      ),
    );
    findings.push(
      await attempt('output', `The output gives ${config.classes} classes (${config.output}).`, () =>
        checkClassifierOutput(pickTensor(tensors.outputs, config.io.output, 'output', file), config.classes, file),
      ),
    );
    const labels = scored.filter((entry) => entry.label !== null).map((entry) => entry.label as number);
    const maxLabel = labels.length > 0 ? Math.max(...labels) : null;
    findings.push(
      await attempt('classes', `Every label of dataset "${dataset.name}" is one of the model's ${config.classes} classes.`, () =>
        checkClassesAgainstDataset(config.classes, { name: dataset.name, maxLabel, classNames: dataset.classNames }, file),
      ),
    );
    const unlabelled = scored.filter((entry) => entry.label === null).reduce((sum, entry) => sum + entry.count, 0);
    findings.push(
      unlabelled === 0
        ? { check: 'labels', status: 'ok', message: 'Every audited and calibration record has a class label.', code: null }
        : {
            check: 'labels',
            status: 'problem',
            message: `${unlabelled} audited or calibration records of "${dataset.name}" have no class label; classifier attacks need one for every record.`,
            code: 'attack.missing-label',
          },
    );
  } else if (config.kind === 'clip') {
    // A combined CLIP export keeps its one ONNX file under `model` (clip-combined-import.ts).
    const file = files.image?.path ?? files.model?.path ?? row.name;
    const tensors = io.image ?? io.model ?? { inputs: [], outputs: [] };
    findings.push(
      await attempt('input', `The image encoder's input fits the preprocessing (${describeSpec(config.preprocess)}).`, () =>
        checkImageInput(pickTensor(tensors.inputs, config.io.imageInput, 'input', file), config.preprocess, file),
      ),
    );
  }

  // Size and channels for every family, captions for CLIP: what a run start refuses as run.data-mismatch.
  const mismatches = findDataMismatches(db, { name: row.name, config }, dataset);
  const spec = config.preprocess;
  const fitChecks: [MismatchKind, string][] = [
    ['size', `Every image of "${dataset.name}" is ${spec.width}×${spec.height}, the model's input size.`],
    ['channels', `Every image of "${dataset.name}" has the model's ${spec.channels === 1 ? 'single channel' : 'three channels'}.`],
  ];
  if (config.kind === 'clip') fitChecks.push(['captions', `Every audited record of "${dataset.name}" has a caption.`]);
  for (const [kind, okMessage] of fitChecks) {
    const mismatch = mismatches.find((m) => m.kind === kind);
    findings.push(
      mismatch
        ? { check: kind, status: 'problem', message: mismatch.message, code: 'run.data-mismatch' }
        : { check: kind, status: 'ok', message: okMessage, code: null },
    );
  }

  const withTruth = counts.byMember.filter((entry) => entry.member !== null).reduce((sum, entry) => sum + entry.count, 0);
  findings.push(
    audited > 0 && withTruth > 0
      ? {
          check: 'records',
          status: 'ok',
          message: `${audited} audited records; ${withTruth} records of the dataset have a known membership.`,
          code: null,
        }
      : {
          check: 'records',
          status: 'problem',
          message:
            audited === 0
              ? `Dataset "${dataset.name}" has no records with role "audit"; there is nothing to attack.`
              : `No record of "${dataset.name}" has a known membership (member 1 or 0), so no metric could be computed.`,
          code: audited === 0 ? 'run.no-audit-records' : 'run.no-ground-truth',
        },
  );
  return { modelId, datasetId, compatible: findings.every((finding) => finding.status === 'ok'), findings };
}

function describeSpec(spec: { width: number; height: number; channels: number; layout: string }): string {
  return `${spec.width}×${spec.height}, ${spec.channels} channel${spec.channels === 1 ? '' : 's'}, ${spec.layout}`;
}
