// What the auditor can be asked to choose from the disk (a dataset manifest, an ImageFolder root, an ONNX model …):
// whether it is a file, a folder or either, and which file names and folders fit it. The app's native open dialog (main) and the
// browser's server-side file picker (the page) both read this one table, so the page never sends dialog filters.
import { z } from 'zod';

export const OpenPurpose = z.enum([
  'dataset-manifest-csv',
  'dataset-manifest-jsonl',
  'imagefolder-root',
  'idx-images',
  'idx-labels',
  'cifar-batch',
  'onnx-model',
  'onnx-model-or-folder',
  'model-sidecar',
  'clip-tokenizer',
  'diffusion-scheduler',
  'diffusion-pipeline',
  'model-set-manifest',
  'python-interpreter',
  'ca-certificate',
  'risk-policy',
]);
export type OpenPurpose = z.infer<typeof OpenPurpose>;

export interface OpenPurposeRule {
  /** The dialog's title: what is being chosen. */
  readonly title: string;
  /** 'file-or-folder': a file that fits, or a folder holding `folderHolds` (a Hugging Face / Optimum model folder). */
  readonly kind: 'file' | 'folder' | 'file-or-folder';
  /** File name endings that fit, lower case and without the dot; empty: any file (IDX, CIFAR and programs often have none). */
  readonly extensions: readonly string[];
  /** For 'file-or-folder': the file a folder must hold to be chosen, since any folder can also just be walked through. */
  readonly folderHolds?: string;
}

export const openPurposeRules: Readonly<Record<OpenPurpose, OpenPurposeRule>> = {
  'dataset-manifest-csv': { title: 'Dataset manifest (CSV)', kind: 'file', extensions: ['csv'] },
  'dataset-manifest-jsonl': { title: 'Dataset manifest (JSON lines)', kind: 'file', extensions: ['jsonl', 'json'] },
  'imagefolder-root': { title: 'Image folder root (one folder per class)', kind: 'folder', extensions: [] },
  'idx-images': { title: 'IDX image file (idx3-ubyte, gzip or not)', kind: 'file', extensions: [] },
  'idx-labels': { title: 'IDX label file (idx1-ubyte, gzip or not)', kind: 'file', extensions: [] },
  'cifar-batch': { title: 'CIFAR batch file', kind: 'file', extensions: [] },
  'onnx-model': { title: 'ONNX model', kind: 'file', extensions: ['onnx'] },
  'onnx-model-or-folder': {
    title: 'ONNX model, or a model folder holding model.onnx',
    kind: 'file-or-folder',
    extensions: ['onnx'],
    folderHolds: 'model.onnx',
  },
  'model-sidecar': { title: 'Model sidecar (JSON)', kind: 'file', extensions: ['json'] },
  'clip-tokenizer': { title: 'Tokenizer (tokenizer.json)', kind: 'file', extensions: ['json'] },
  'diffusion-scheduler': { title: 'Scheduler configuration (JSON)', kind: 'file', extensions: ['json'] },
  'diffusion-pipeline': {
    title: 'Diffusion pipeline folder (model_index.json, unet or transformer, VAE, scheduler)',
    kind: 'folder',
    extensions: [],
  },
  'model-set-manifest': { title: 'Model set manifest (JSON)', kind: 'file', extensions: ['json'] },
  'python-interpreter': { title: 'Python interpreter', kind: 'file', extensions: [] },
  'ca-certificate': { title: 'Certificate authority of a remote model server (PEM)', kind: 'file', extensions: ['pem', 'crt', 'cer'] },
  'risk-policy': { title: 'Risk policy (YAML)', kind: 'file', extensions: ['yaml', 'yml'] },
};

/** Whether a file called `name` fits the purpose's endings (case-insensitive); folders by folderFitsPurpose. */
export function fileFitsPurpose(name: string, purpose: OpenPurpose): boolean {
  const { extensions } = openPurposeRules[purpose];
  const lower = name.toLowerCase();
  return extensions.length === 0 || extensions.some((extension) => lower.endsWith(`.${extension}`));
}

/** Whether a folder whose entries are called `names` can itself be chosen: any folder for a folder purpose, none for a
 *  file purpose, and for 'file-or-folder' one holding the rule's file (exact name: model folders spell it so). */
export function folderFitsPurpose(names: readonly string[], purpose: OpenPurpose): boolean {
  const { kind, folderHolds } = openPurposeRules[purpose];
  if (kind === 'folder') return true;
  return kind === 'file-or-folder' && folderHolds !== undefined && names.includes(folderHolds);
}
