// Paths into the committed demo kit and a workspace with the classifier kit imported, for the engine tests.
import fs from 'node:fs';
import path from 'node:path';
import { importDataset } from '../../src-main/services/dataset-import';
import { importClassifier, importModelSet } from '../../src-main/services/model-import';
import type { WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { repoRoot } from './temp-dir';

export const demoDir = path.join(repoRoot, 'resources', 'demo');
export const classifierKit = path.join(demoDir, 'classifier');
export const hasClassifierKit = fs.existsSync(path.join(classifierKit, 'reference', 'manifest.json')) && fs.existsSync(path.join(classifierKit, 'manifest.csv'));

export interface ImportedClassifierKit {
  datasetId: number;
  targetId: number;
  twinId: number;
  nullId: number;
  referenceSetId: number;
  shadowSetId: number;
}

export async function importClassifierKit(db: WorkspaceDb): Promise<ImportedClassifierKit> {
  const { dataset } = await importDataset(db, { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv'), name: 'demo classifier' });
  const target = await importClassifier(db, { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') });
  const twin = await importClassifier(db, { kind: 'classifier', modelPath: path.join(classifierKit, 'twin.onnx') });
  const nullModel = await importClassifier(db, { kind: 'classifier', role: 'null', modelPath: path.join(classifierKit, 'null.onnx') });
  const references = await importModelSet(db, { purpose: 'reference', manifestPath: path.join(classifierKit, 'reference', 'manifest.json') });
  const shadows = await importModelSet(db, { purpose: 'shadow', manifestPath: path.join(classifierKit, 'shadows', 'manifest.json') });
  return { datasetId: dataset.id, targetId: target.id, twinId: twin.id, nullId: nullModel.id, referenceSetId: references.setId, shadowSetId: shadows.setId };
}
