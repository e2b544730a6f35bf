// Imports a dataset into the workspace from a manifest (CSV/JSONL), an ImageFolder tree, an IDX pair or a CIFAR
// batch. Every record is checked and decoded; records are written in batches under a dataset row marked
// "importing"; any problem removes the partial dataset, so the workspace keeps exactly the rows it had.
import path from 'node:path';
import { z } from 'zod';
import { DatasetImportRequest, type DatasetSummary } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { openCifarSource } from '../engine/data/cifar-source';
import { openIdxSource } from '../engine/data/idx-source';
import { openImageFolderSource } from '../engine/data/imagefolder-source';
import { IssueCollector, type ImportIssue } from '../engine/data/import-issues';
import { openManifestSource } from '../engine/data/manifest-source';
import type { ImportDefaults, RecordSource } from '../engine/data/record-source';
import { getDataset } from '../workspace/datasets-repo';
import { createImportingDataset, discardImportingDataset, finishDataset, insertRecords } from '../workspace/dataset-writes';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { countRecords, type RecordCounts } from '../workspace/records-repo';
import { datasetContentOrDuplicate } from './import-duplicates';

export { DatasetImportRequest };

export interface DatasetImportProgress {
  readonly done: number;
  readonly total: number;
}

/** Functions cannot cross the IPC schema, so they ride beside the request. */
export interface DatasetImportHooks {
  readonly onProgress?: (progress: DatasetImportProgress) => void;
  readonly signal?: AbortSignal;
}

export interface DatasetImportResult {
  readonly dataset: DatasetSummary & { rootPath: string };
  readonly counts: RecordCounts;
  /** Files left out on purpose (non-images in an ImageFolder tree), capped at 1,000 names. */
  readonly skipped: string[];
}

/** Records per transaction: large enough to be fast, small enough that memory stays flat. */
export const importBatchSize = 500;

export async function importDataset(db: WorkspaceDb, request: DatasetImportRequest & DatasetImportHooks): Promise<DatasetImportResult> {
  const { onProgress, signal, ...data } = request;
  const parsed = parseWith(DatasetImportRequest, data, 'Dataset import request', 'dataset.invalid-request');
  const defaults: ImportDefaults = { role: parsed.defaultRole, member: parsed.defaultMember };
  const issues = new IssueCollector();
  const source = await openSource(parsed, defaults, issues);
  const sourceName = path.basename(source.sourcePath);
  if (issues.count > 0) throw issues.toError(sourceName);

  const name = parsed.name ?? defaultName(source);
  const datasetId = createImportingDataset(db, {
    name,
    sourceKind: source.kind,
    sourcePath: source.sourcePath,
    rootPath: source.rootPath,
    classNames: source.classNames,
  });
  try {
    let done = 0;
    onProgress?.({ done, total: source.total });
    for await (const group of source.groups(importBatchSize, issues)) {
      throwIfAborted(signal, sourceName);
      // Once a problem is known the import will fail; keep checking the rest (to list every bad row) without writing.
      if (issues.count === 0) insertRecords(db, datasetId, group);
      done = Math.min(source.total, done + importBatchSize);
      onProgress?.({ done, total: source.total });
    }
    if (issues.count > 0) throw issues.toError(sourceName);
    const importing = { id: datasetId, name, recordCount: countRecords(db, datasetId).total };
    finishDataset(db, datasetId, source.classNames, datasetContentOrDuplicate(db, importing, parsed.allowDuplicate === true));
  } catch (error) {
    discardImportingDataset(db, datasetId);
    throw error;
  }
  return { dataset: getDataset(db, datasetId), counts: countRecords(db, datasetId), skipped: source.skipped.slice(0, 1000) };
}

async function openSource(
  request: z.output<typeof DatasetImportRequest>,
  defaults: ImportDefaults,
  issues: IssueCollector,
): Promise<RecordSource> {
  switch (request.kind) {
    case 'manifest-csv':
      return openManifestSource(request.path, 'csv', defaults, issues);
    case 'manifest-jsonl':
      return openManifestSource(request.path, 'jsonl', defaults, issues);
    case 'imagefolder':
      return openImageFolderSource(request.path, defaults, issues);
    case 'idx':
      return openIdxSource(request.path, request.labelsPath, defaults);
    case 'cifar':
      return openCifarSource(request.path, request.cifarVariant, defaults);
  }
}

/** A manifest is usually called manifest.csv, so its folder names the dataset better; containers keep their file name. */
function defaultName(source: RecordSource): string {
  const isManifest = source.kind === 'manifest-csv' || source.kind === 'manifest-jsonl';
  return path.basename(isManifest ? path.dirname(source.sourcePath) : source.sourcePath);
}

function throwIfAborted(signal: AbortSignal | undefined, sourceName: string): void {
  if (signal?.aborted) throw new MiaError('dataset.import-cancelled', `Import of ${sourceName} was cancelled; nothing was imported.`);
}

/** The per-record problems of a failed import, for the UI's list (empty for other errors). */
export function importIssuesOf(error: unknown): ImportIssue[] {
  if (!(error instanceof MiaError) || !Array.isArray(error.details?.issues)) return [];
  return error.details.issues as ImportIssue[];
}
