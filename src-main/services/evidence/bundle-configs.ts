// The configs an evidence bundle carries for each run: the run's configuration exactly as the workspace stored it,
// and an audit config (the `mia audit --config` schema, services/audit-config.ts) rebuilt from it, whatever front
// door started the run: dataset, target, model sets, null model, attack, parameters and seed, with paths relative to
// the provenance's root. `mia audit --replay` runs the rebuilt config. Inputs an audit config cannot name (remote
// targets, pipeline or Hugging Face folders, IDX files, a resize the auditor allowed) leave a run without one, and
// the bundle says why.
import path from 'node:path';
import type { AuditConfig } from '../audit-config';
import { getDataset } from '../../workspace/datasets-repo';
import { findModelSet, getStoredModel, type StoredModel } from '../../workspace/models-repo';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getRunConfig, type StoredRunConfig } from '../../workspace/runs-repo';

export type RebuiltAuditConfig = { config: AuditConfig; reason: null } | { config: null; reason: string };

/** The run configuration as stored, and the audit config rebuilt from it (or why there is none). */
export function runConfigs(db: WorkspaceDb, runId: number, root: string): { stored: StoredRunConfig; audit: RebuiltAuditConfig } {
  const stored = getRunConfig(db, runId);
  return { stored, audit: rebuildAuditConfig(db, stored, root) };
}

function rebuildAuditConfig(db: WorkspaceDb, stored: StoredRunConfig, root: string): RebuiltAuditConfig {
  const relative = (file: string): string => path.relative(root, file).split(path.sep).join('/');
  const refuse = (reason: string): RebuiltAuditConfig => ({ config: null, reason });
  if (stored['resize'] === true) return refuse('the run resized its images, which an audit config cannot ask for');
  const dataset = getDataset(db, stored.datasetId);
  if (dataset.sourceKind === 'idx') return refuse('an IDX dataset’s label file is not recorded in the workspace');
  const target = getStoredModel(db, stored.targetModelId);
  const targetConfig = targetOf(target, relative);
  if (typeof targetConfig === 'string') return refuse(targetConfig);
  const config: AuditConfig = {
    dataset: { kind: dataset.sourceKind, path: relative(dataset.sourcePath), name: dataset.name },
    target: targetConfig,
    runs: [
      {
        attack: stored.attack,
        seed: stored.seed,
        params: (stored.params ?? {}) as Record<string, unknown>,
        ...(stored.queryBudget ? { queryBudget: stored.queryBudget } : {}),
        // δ changes the run's ε bound, not its scores; kept so a replayed run's metrics match too.
        ...(typeof stored['epsilonDelta'] === 'number' ? { delta: stored['epsilonDelta'] } : {}),
      },
    ],
  };
  for (const [key, setId] of [
    ['references', stored.referenceSetId],
    ['shadows', stored.shadowSetId],
  ] as const) {
    if (!setId) continue;
    const set = findModelSet(db, setId);
    if (!set) return refuse(`its model set ${setId} is no longer in the workspace`);
    config[key] = { manifest: relative(set.manifest_path), name: set.name };
  }
  if (stored.nullModelId) {
    const nullModel = getStoredModel(db, stored.nullModelId);
    const file = singleOnnxFile(nullModel, 'model');
    if (!file) return refuse(`its null model "${nullModel.name}" is not a single ONNX file`);
    config.nullModel = { model: relative(file), name: nullModel.name };
  }
  return { config, reason: null };
}

/** The audit config's `target`, or why the model cannot be named by one. */
function targetOf(model: StoredModel, relative: (file: string) => string): AuditConfig['target'] | string {
  if (model.remote) return `its target "${model.name}" is served over the network, and a replay would query the server as it is now`;
  if (model.kind === 'classifier') {
    const file = singleOnnxFile(model, 'model');
    return file ? { kind: 'classifier', name: model.name, model: relative(file) } : `its target "${model.name}" is a model folder`;
  }
  if (model.kind === 'clip') {
    const { image, text, tokenizer } = model.files;
    if (!image || !text || !tokenizer || model.files['model']) return `its CLIP target "${model.name}" is a combined model or folder`;
    return {
      kind: 'clip',
      name: model.name,
      imageModel: relative(image.path),
      textModel: relative(text.path),
      tokenizer: relative(tokenizer.path),
    };
  }
  return `its diffusion target "${model.name}" has a scheduler and preprocessing an audit config cannot name from the workspace alone`;
}

/** The model's one ONNX file (besides its external weights, `role:location`), or null when it has other files. */
function singleOnnxFile(model: StoredModel, role: string): string | null {
  const roles = Object.keys(model.files);
  const file = model.files[role];
  return file && roles.every((other) => other === role || other.startsWith(`${role}:`)) ? file.path : null;
}
