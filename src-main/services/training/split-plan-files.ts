// Resolves a split plan against the workspace (target, dataset, pool of records) and writes it out: plan.json (the
// whole plan, for the record), manifest.json (the `trained_on` manifest that imports the trained models back) and
// splits.csv (one row per model and record, for the auditor's own training pipeline).
import fs from 'node:fs';
import path from 'node:path';
import type { SplitPlanRequest, SplitPlanSummary } from '../../../src-shared/contract/contract';
import { csvRow } from '../../common/csv-write';
import { MiaError } from '../../common/errors';
import type { RunRecord } from '../../engine/attacks/run-record';
import type { ModelSpec } from '../../engine/jobs/attack-task';
import { ClassifierConfig } from '../../engine/models/model-config';
import { planReferenceSplits, planShadowSplits, type PlannedModel } from '../../engine/planning/split-plan';
import { getDataset } from '../../workspace/datasets-repo';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { readModelSpec, readRunRecords } from '../run-inputs';
import { targetTrainingHints } from './target-training-hints';

/** A plan request after the contract's parsing (defaults filled), with the absolute folder its front door chose. */
export type ParsedSplitPlanRequest = Omit<Required<SplitPlanRequest>, 'trainSize' | 'folderName'> & { trainSize?: number; folder: string };

export interface ResolvedSplitPlan {
  readonly summary: SplitPlanSummary;
  readonly target: ModelSpec;
  readonly targetConfig: ClassifierConfig;
  /** Pooled records; the planned models' indices point into this list. */
  readonly pool: readonly RunRecord[];
  readonly models: readonly PlannedModel[];
}

export const planFileNames = { plan: 'plan.json', manifest: 'manifest.json', splits: 'splits.csv' } as const;

/** Shokri shadows draw from the auxiliary pool; LiRA/RMIA reference models train on halves of the scored records. */
const poolRoles = { shadow: ['aux'], reference: ['audit', 'calibration'] } as const;

function readClassifierTarget(db: WorkspaceDb, modelId: number): { target: ModelSpec; config: ClassifierConfig } {
  const target = readModelSpec(
    db,
    modelId,
    `There is no model with id ${modelId} in this workspace to plan shadow or reference models for.`,
  );
  if (target.kind !== 'classifier') {
    throw new MiaError(
      'plan.not-classifier',
      `Model "${target.name}" is a ${target.kind} model; shadow and reference models are planned for classifier targets.`,
    );
  }
  return { target, config: ClassifierConfig.parse(target.config) };
}

function poolOf(records: readonly RunRecord[], roles: readonly string[], classes: number, datasetName: string): RunRecord[] {
  const pool = records.filter((record) => roles.includes(record.role));
  if (pool.length === 0) {
    throw new MiaError(
      'plan.empty-pool',
      `Dataset "${datasetName}" has no records with role ${roles.join(' or ')}; that is the pool these models are drawn from.`,
    );
  }
  for (const record of pool) {
    if (record.label === null || record.label < 0 || record.label >= classes) {
      throw new MiaError(
        'plan.bad-label',
        `Record ${record.key} of dataset "${datasetName}" has label ${String(record.label)}; training needs a class index from 0 to ${classes - 1} on every pooled record.`,
        { record: record.key },
      );
    }
  }
  return pool;
}

function shadowTrainSize(request: ParsedSplitPlanRequest, poolSize: number, target: ModelSpec, notes: string[]): number {
  if (request.trainSize !== undefined) return request.trainSize;
  const largest = Math.floor(poolSize / 2);
  const stated = targetTrainingHints(target).n_train;
  if (stated !== undefined && stated <= largest) {
    notes.push(`Each shadow trains on ${stated} records, the target's training-set size stated in its sidecar.`);
    return stated;
  }
  notes.push(
    stated === undefined
      ? `The target's training-set size is not known, so each shadow trains on half the aux pool (${largest} records).`
      : `The target trained on ${stated} records, but the aux pool (${poolSize}) allows at most ${largest} in and ${largest} out per shadow; each shadow trains on ${largest}.`,
  );
  return largest;
}

/** Writes `text` beside `file` and renames it into place, so a reader never sees half a plan file. */
function writeWhole(file: string, text: string): void {
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
}

function writePlanFiles(folder: string, plan: Omit<ResolvedSplitPlan, 'summary'>, meta: Record<string, unknown>, notes: string[]): void {
  const keys = (indices: readonly number[]) => indices.map((i) => plan.pool[i]!.key);
  // One entry per model for both files: the manifest carries `held_out` as the demo kit writes it (the importer
  // reads only `trained_on`; the rest is for the record).
  const entries = plan.models.map((model) => ({
    path: `${model.name}.onnx`,
    name: model.name,
    trained_on: keys(model.trainOn),
    held_out: keys(model.heldOut),
  }));
  writeWhole(
    path.join(folder, planFileNames.plan),
    `${JSON.stringify(
      {
        format: 'mia-workbench/split-plan',
        version: 1,
        ...meta,
        models: entries,
        notes,
      },
      null,
      1,
    )}\n`,
  );
  writeWhole(path.join(folder, planFileNames.manifest), `${JSON.stringify({ models: entries }, null, 1)}\n`);
  const rows = [csvRow(['model', 'split', 'id', 'path', 'source_index', 'label'])];
  for (const model of plan.models) {
    for (const [split, indices] of [
      ['train', model.trainOn],
      ['held_out', model.heldOut],
    ] as const) {
      for (const index of indices) {
        const record = plan.pool[index]!;
        rows.push(csvRow([model.name, split, record.key, record.path, record.sourceIndex, record.label]));
      }
    }
  }
  writeWhole(path.join(folder, planFileNames.splits), rows.join(''));
}

export function writeSplitPlan(db: WorkspaceDb, request: ParsedSplitPlanRequest): ResolvedSplitPlan {
  const { target, config } = readClassifierTarget(db, request.targetModelId);
  const dataset = getDataset(db, request.datasetId);
  const roles = poolRoles[request.purpose];
  const pool = poolOf(readRunRecords(db, request.datasetId), roles, config.classes, dataset.name);
  const notes: string[] = [];
  let trainSize: number | null = null;
  let models: PlannedModel[];
  if (request.purpose === 'shadow') {
    trainSize = shadowTrainSize(request, pool.length, target, notes);
    models = planShadowSplits(pool.length, request.count, trainSize, request.seed);
  } else {
    models = planReferenceSplits(pool.length, request.count, request.seed);
    notes.push(
      request.count % 2 === 0
        ? `Every audit and calibration record is IN exactly ${request.count / 2} of the ${request.count} reference models.`
        : `With an odd count the last model has no complementary partner, so records are IN ${Math.floor(request.count / 2)} or ${Math.ceil(request.count / 2)} models.`,
    );
    notes.push('Population records are left out of every reference model, so RMIA can use them as known non-members.');
  }
  try {
    fs.mkdirSync(request.folder, { recursive: true });
    writePlanFiles(
      request.folder,
      { target, targetConfig: config, pool, models },
      {
        purpose: request.purpose,
        seed: request.seed,
        created_at: new Date().toISOString(),
        dataset: { id: dataset.id, name: dataset.name },
        target: { id: target.id, name: target.name, sha256: target.sha256, classes: config.classes, preprocess: config.preprocess },
        pool: { roles, size: pool.length },
        train_size: trainSize,
      },
      notes,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MiaError(
      'plan.write-failed',
      `Could not write the split plan into ${request.folder}: ${code ?? ''} ${(error as Error).message}`.replace(/\s+/g, ' '),
      {
        folder: request.folder,
      },
    );
  }
  const summary: SplitPlanSummary = {
    purpose: request.purpose,
    folder: request.folder,
    planPath: path.join(request.folder, planFileNames.plan),
    manifestPath: path.join(request.folder, planFileNames.manifest),
    splitsPath: path.join(request.folder, planFileNames.splits),
    seed: request.seed,
    pool: { roles: [...roles], size: pool.length },
    models: models.map((model) => ({
      name: model.name,
      file: `${model.name}.onnx`,
      trainCount: model.trainOn.length,
      heldOutCount: model.heldOut.length,
    })),
    notes,
  };
  return { summary, target, targetConfig: config, pool, models };
}
