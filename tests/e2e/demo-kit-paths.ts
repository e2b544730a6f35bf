// Paths into the committed classifier demo kit for the browser tests (resolved from the repo, never absolute).
import fs from 'node:fs';
import path from 'node:path';

export const classifierKit = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'classifier');
export const kitManifest = path.join(classifierKit, 'manifest.csv');
export const kitTarget = path.join(classifierKit, 'target.onnx');
export const kitReferenceManifest = path.join(classifierKit, 'reference', 'manifest.json');
export const hasClassifierKit = fs.existsSync(kitManifest) && fs.existsSync(kitReferenceManifest) && fs.existsSync(kitTarget);
export const kitShadowManifest = path.join(classifierKit, 'shadows', 'manifest.json');

export const clipKit = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'clip');
export const diffusionKit = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'diffusion');

/** The Hugging Face-style folder (model.onnx, config.json, preprocessor_config.json), trained on the classifier kit's members. */
export const hfClassifierFolder = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'hf-classifier');
