// The target's preprocessing as a run records it at start, and the resume check against it: the auditor may
// override a model's preprocessing (models.setPreprocess) after runs were made with it, so each run keeps the exact
// spec its scores were computed with (and whether greyscale records were expanded to RGB for it), and an
// interrupted run resumes only with that same spec.
import { isDeepStrictEqual } from 'node:util';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import type { ModelSpec } from '../engine/jobs/attack-task';
import { ModelConfig } from '../engine/models/model-config';
import type { PreprocessSpec } from '../engine/models/preprocess-spec';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { countRecordShapes } from '../workspace/records-repo';
import type { StoredRunConfig } from '../workspace/runs-repo';

export function targetPreprocessOf(target: ModelSpec): PreprocessSpec {
  return parseWith(ModelConfig, target.config, `config of model ${target.id}`, 'workspace.corrupt-column').preprocess;
}

/** Whether this run feeds greyscale records to the colour model as RGB (allowed by its expandGrey / do_convert_rgb). */
export function greyExpandedIn(db: WorkspaceDb, datasetId: number, spec: PreprocessSpec): boolean {
  return spec.channels === 3 && spec.expandGrey === true && countRecordShapes(db, datasetId).some((shape) => shape.channels < 3);
}

/** Refuses (run.inputs-changed) to resume a run whose target's preprocessing changed since it started. */
export function assertSamePreprocess(runId: number, stored: StoredRunConfig, target: ModelSpec): void {
  // Runs started before the spec was recorded have none to compare; their model hash still pins the files.
  if (stored.targetPreprocess === undefined) return;
  if (isDeepStrictEqual(stored.targetPreprocess, targetPreprocessOf(target))) return;
  throw new MiaError(
    'run.inputs-changed',
    `Run ${runId}: the preprocessing of model "${target.name}" changed since the run started, so it cannot be resumed. Discard it and start a new run.`,
    { runId, what: 'preprocess' },
  );
}
