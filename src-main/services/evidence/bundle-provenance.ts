// What an evidence bundle says about where its runs came from: every input file's SHA-256 as the workspace recorded
// it (dataset records, model files, model-set manifests' models), each run's seed, parameters, hashes, engine version
// and execution provider, and the machine's environment. Paths are stored relative to one root folder, so a replay
// on another machine finds the same files under `--data-root`. The schema is the boundary replay reads it back through.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DatasetSourceKind } from '../../../src-shared/domain/records';
import { Sha256Text } from '../../common/signatures';
import { sha256OfFile } from '../../common/file-sha256';
import { getDataset } from '../../workspace/datasets-repo';
import { findModelSet, getStoredModel, listStoredModelsInSet, type StoredModel } from '../../workspace/models-repo';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { listRecordsForAttack } from '../../workspace/records-repo';
import { getRun, getRunConfig, getRunProvenance } from '../../workspace/runs-repo';

const Id = z.number().int().positive();
/** A file below the provenance's root, with the SHA-256 the workspace recorded for it. */
const RecordedFile = z.strictObject({ path: z.string().min(1), sha256: Sha256Text });

const ProvenanceModel = z.strictObject({
  id: Id,
  name: z.string(),
  kind: z.string(),
  role: z.string(),
  /** The model hash (combined) runs are pinned to. */
  modelHash: z.string(),
  /** Served over the network: its identity is its endpoint's metadata, and it has no files to check. */
  remote: z.boolean(),
  files: z.array(RecordedFile.extend({ role: z.string() })),
});
export type ProvenanceModel = z.infer<typeof ProvenanceModel>;

export const BundleProvenance = z.strictObject({
  format: z.literal('mia-evidence-provenance'),
  version: z.literal(1),
  exportedAt: z.string(),
  /** The machine the bundle was exported on, as the PDF's environment appendix states it. */
  environment: z.record(z.string(), z.string()),
  /** The folder every recorded path is relative to (the deepest folder holding all the audit's input files). */
  root: z.string(),
  runs: z.array(
    z.strictObject({
      id: Id,
      name: z.string(),
      attack: z.string(),
      family: z.string(),
      seed: z.number().int(),
      params: z.record(z.string(), z.unknown()),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
      engineVersion: z.string(),
      executionProvider: z.string().nullable(),
      modelHash: z.string(),
      dataHash: z.string(),
      datasetId: Id,
      modelIds: z.array(Id),
    }),
  ),
  datasets: z.array(
    z.strictObject({
      id: Id,
      name: z.string(),
      kind: DatasetSourceKind,
      /** The manifest (or container) file, hashed when the bundle was written; a folder source has none. */
      source: z.strictObject({ path: z.string(), sha256: Sha256Text.nullable() }),
      /** Each record's image file as the workspace recorded it; records inside a container file have no own file. */
      records: z.array(z.strictObject({ key: z.string(), file: RecordedFile.nullable() })),
    }),
  ),
  models: z.array(ProvenanceModel),
});
export type BundleProvenance = z.infer<typeof BundleProvenance>;

/** Absolute paths of the audit's inputs, before they are made relative to the root. */
interface AbsoluteInputs {
  readonly datasets: Map<number, { source: string; records: { key: string; path: string | null; sha256: string }[] }>;
  readonly models: Map<number, StoredModel>;
  readonly setManifests: string[];
}

/** The provenance of `runIds`, with every path relative to its root. */
export async function collectProvenance(
  db: WorkspaceDb,
  runIds: readonly number[],
  environment: Record<string, string>,
  exportedAt: Date,
): Promise<BundleProvenance> {
  const inputs: AbsoluteInputs = { datasets: new Map(), models: new Map(), setManifests: [] };
  const runs = runIds.map((runId) => {
    const run = getRun(db, runId);
    const stored = getRunConfig(db, runId);
    const pinned = getRunProvenance(db, runId);
    const modelIds = [stored.targetModelId, ...(stored.nullModelId ? [stored.nullModelId] : [])];
    for (const setId of [stored.referenceSetId, stored.shadowSetId]) {
      if (!setId) continue;
      const set = findModelSet(db, setId);
      if (set) inputs.setManifests.push(set.manifest_path);
      for (const member of listStoredModelsInSet(db, setId)) modelIds.push(member.id);
    }
    for (const id of modelIds) if (!inputs.models.has(id)) inputs.models.set(id, getStoredModel(db, id));
    if (!inputs.datasets.has(run.datasetId)) {
      const dataset = getDataset(db, run.datasetId);
      inputs.datasets.set(run.datasetId, {
        source: dataset.sourcePath,
        records: listRecordsForAttack(db, run.datasetId).map((record) => ({
          key: record.key,
          // Records of an IDX or CIFAR container are hashed by their pixels, not by a file of their own.
          path: record.sourceIndex === null ? record.path : null,
          sha256: record.sha256,
        })),
      });
    }
    return {
      id: run.id,
      name: run.name,
      attack: run.attack,
      family: run.family,
      seed: stored.seed,
      params: run.params,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      engineVersion: pinned.engineVersion,
      executionProvider: pinned.executionProvider,
      modelHash: pinned.modelHash,
      dataHash: pinned.dataHash,
      datasetId: run.datasetId,
      modelIds,
    };
  });
  const root = commonFolder([
    ...[...inputs.datasets.values()].map((dataset) => dataset.source),
    ...[...inputs.models.values()].flatMap((model) => Object.values(model.files).map((file) => file.path)),
    ...inputs.setManifests,
  ]);
  const relative = (file: string): string => path.relative(root, file).split(path.sep).join('/');
  const datasets = await Promise.all(
    [...inputs.datasets.entries()].map(async ([id, dataset]) => {
      const summary = getDataset(db, id);
      return {
        id,
        name: summary.name,
        kind: summary.sourceKind,
        source: { path: relative(dataset.source), sha256: isFile(dataset.source) ? await sha256OfFile(dataset.source) : null },
        records: dataset.records.map((record) => ({
          key: record.key,
          file: record.path === null ? null : { path: relative(record.path), sha256: record.sha256 },
        })),
      };
    }),
  );
  return {
    format: 'mia-evidence-provenance',
    version: 1,
    exportedAt: exportedAt.toISOString(),
    environment,
    root,
    runs,
    datasets,
    models: [...inputs.models.values()].map((model) => ({
      id: model.id,
      name: model.name,
      kind: model.kind,
      role: model.role,
      modelHash: model.sha256,
      remote: model.remote !== null,
      files: Object.keys(model.files)
        .sort()
        .map((role) => ({ role, path: relative(model.files[role]!.path), sha256: model.files[role]!.sha256 })),
    })),
  };
}

/** The deepest folder that holds every one of `files`. */
function commonFolder(files: readonly string[]): string {
  const folders = files.map((file) => path.dirname(path.resolve(file)).split(path.sep));
  if (folders.length === 0) return path.parse(process.cwd()).root;
  let depth = folders[0]!.length;
  for (const parts of folders) {
    let same = 0;
    while (same < Math.min(depth, parts.length) && parts[same] === folders[0]![same]) same++;
    depth = same;
  }
  const joined = folders[0]!.slice(0, depth).join(path.sep);
  return joined === '' ? path.sep : joined;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
