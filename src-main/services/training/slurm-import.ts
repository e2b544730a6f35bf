// Brings a finished Slurm training job's models home: each ONNX file the array tasks exported into the staging folder
// is copied beside the plan's manifest and checked against the SHA-256 its task wrote (the recipe's result file), a
// sidecar is written beside it, and only when every model has passed is the set imported, in one transaction.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TrainingJobSummary } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import { sha256OfFile } from '../../common/file-sha256';
import { parseWith } from '../../common/parse';
import { ClassifierConfig } from '../../engine/models/model-config';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { importModelSet } from '../model-import';
import { readModelSpec } from '../run-inputs';
import { slurmStageLayout } from './slurm-batch-script';
import { planFileNames } from './split-plan-files';
import { writeSidecar } from './training-execution';

/** What the recipe wrote beside each model it exported with --model (see train_classifier.py). */
const TaskResult = z.object({
  model: z.number().int().nonnegative(),
  name: z.string(),
  trainAccuracy: z.number(),
  heldOutAccuracy: z.number().nullable(),
  seconds: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const PlanFile = z.object({ models: z.array(z.object({ name: z.string(), trained_on: z.array(z.string()) })) });

/** `index`: the array task the file belongs to, so a bad one can be resubmitted. */
function readJson<S extends z.ZodType>(schema: S, file: string, what: string, index?: number): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MiaError('training.slurm-result-missing', `${what} ${file} could not be read: ${(error as Error).message}`, { file, index });
  }
  try {
    return parseWith(schema, raw, `${what} ${file}`, 'training.slurm-result-missing');
  } catch (error) {
    throw new MiaError('training.slurm-result-missing', (error as Error).message, { file, index });
  }
}

/** Copies, verifies and imports every model; returns the new set's id. Sets the job's per-model results on the way. */
export async function importSlurmModels(
  db: WorkspaceDb,
  summary: TrainingJobSummary,
  stageFolder: string,
  setName: string,
): Promise<{ setId: number; count: number }> {
  const plan = readJson(PlanFile, path.join(summary.folder, planFileNames.plan), 'The plan');
  const target = readModelSpec(
    db,
    summary.targetModelId,
    `The target model ${summary.targetModelId} of training job ${summary.id} is gone.`,
  );
  const sidecarSource = { target, targetConfig: ClassifierConfig.parse(target.config) };
  const results: TrainingJobSummary['results'] = [];
  for (const [index, planned] of plan.models.entries()) {
    const exported = path.join(stageFolder, slurmStageLayout.models, `${planned.name}.onnx`);
    const result = readJson(TaskResult, `${exported}.result.json`, `The result of array task ${index}`, index);
    const home = path.join(summary.folder, `${planned.name}.onnx`);
    const partial = `${home}.partial`;
    fs.copyFileSync(exported, partial);
    const copied = await sha256OfFile(partial);
    if (copied !== result.sha256) {
      fs.rmSync(partial, { force: true });
      throw new MiaError(
        'training.slurm-hash-mismatch',
        `${exported} has SHA-256 ${copied}, but array task ${index} exported a file with ${result.sha256}: it was changed or cut short on the way. Nothing was imported; resubmit task ${index}.`,
        { file: exported, index },
      );
    }
    fs.renameSync(partial, home);
    writeSidecar(home, sidecarSource, summary, planned.trained_on.length, result);
    results.push({
      name: result.name,
      trainAccuracy: result.trainAccuracy,
      heldOutAccuracy: result.heldOutAccuracy,
      seconds: result.seconds,
    });
  }
  summary.results = results;
  summary.modelsDone = results.length;
  const imported = await importModelSet(db, {
    purpose: summary.purpose,
    manifestPath: path.join(summary.folder, planFileNames.manifest),
    name: setName,
  });
  return { setId: imported.setId, count: imported.models.length };
}
