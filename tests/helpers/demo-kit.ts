// Paths into the committed demo kit and workspaces with the classifier or CLIP kit imported, for the engine tests.
import fs from 'node:fs';
import path from 'node:path';
import { importDataset } from '../../src-main/services/dataset-import';
import { importClassifier, importClip, importDiffusion, importModelSet } from '../../src-main/services/model-import';
import type { WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { repoRoot } from './temp-dir';

export const demoDir = path.join(repoRoot, 'resources', 'demo');
export const classifierKit = path.join(demoDir, 'classifier');
export const hasClassifierKit =
  fs.existsSync(path.join(classifierKit, 'reference', 'manifest.json')) && fs.existsSync(path.join(classifierKit, 'manifest.csv'));

export interface ImportedClassifierKit {
  datasetId: number;
  targetId: number;
  twinId: number;
  nullId: number;
  referenceSetId: number;
  shadowSetId: number;
}

export async function importClassifierKit(db: WorkspaceDb): Promise<ImportedClassifierKit> {
  const { dataset } = await importDataset(db, {
    kind: 'manifest-csv',
    path: path.join(classifierKit, 'manifest.csv'),
    name: 'demo classifier',
  });
  const target = await importClassifier(db, { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') });
  const twin = await importClassifier(db, { kind: 'classifier', modelPath: path.join(classifierKit, 'twin.onnx') });
  const nullModel = await importClassifier(db, { kind: 'classifier', role: 'null', modelPath: path.join(classifierKit, 'null.onnx') });
  const references = await importModelSet(db, {
    purpose: 'reference',
    manifestPath: path.join(classifierKit, 'reference', 'manifest.json'),
  });
  const shadows = await importModelSet(db, { purpose: 'shadow', manifestPath: path.join(classifierKit, 'shadows', 'manifest.json') });
  return {
    datasetId: dataset.id,
    targetId: target.id,
    twinId: twin.id,
    nullId: nullModel.id,
    referenceSetId: references.setId,
    shadowSetId: shadows.setId,
  };
}

export const clipKit = path.join(demoDir, 'clip');

export interface ImportedClipKit {
  /** manifest.csv: audit (i.i.d. members and non-members), nonmember-reference and pool records. */
  datasetId: number;
  /** manifest-shifted.csv: the same members against non-members from a shifted distribution. */
  shiftedDatasetId: number;
  targetId: number;
}

export async function importClipKit(db: WorkspaceDb): Promise<ImportedClipKit> {
  const { dataset } = await importDataset(db, { kind: 'manifest-csv', path: path.join(clipKit, 'manifest.csv'), name: 'demo clip' });
  const { dataset: shifted } = await importDataset(db, {
    kind: 'manifest-csv',
    path: path.join(clipKit, 'manifest-shifted.csv'),
    name: 'demo clip (shifted)',
  });
  const target = await importClip(db, {
    kind: 'clip',
    imageModelPath: path.join(clipKit, 'image_encoder.onnx'),
    textModelPath: path.join(clipKit, 'text_encoder.onnx'),
    tokenizerPath: path.join(clipKit, 'tokenizer.json'),
  });
  return { datasetId: dataset.id, shiftedDatasetId: shifted.id, targetId: target.id };
}

// MIA_DEMO_DIR points the diffusion tests at another copy of the kit, as the unit-test helper allows.
export const diffusionKit = path.join(process.env.MIA_DEMO_DIR ? path.resolve(process.env.MIA_DEMO_DIR) : demoDir, 'diffusion');

export interface ImportedDiffusionKit {
  /** manifest.csv: 256 members and 256 non-members of the UNet's training set, all role audit. */
  datasetId: number;
  /** unet.onnx with its sidecar unet.json and scheduler.json. */
  targetId: number;
}

export async function importDiffusionKit(db: WorkspaceDb): Promise<ImportedDiffusionKit> {
  const { dataset } = await importDataset(db, {
    kind: 'manifest-csv',
    path: path.join(diffusionKit, 'manifest.csv'),
    name: 'demo diffusion',
  });
  const target = await importDiffusion(db, { kind: 'diffusion', modelPath: path.join(diffusionKit, 'unet.onnx') });
  return { datasetId: dataset.id, targetId: target.id };
}
