// Prepares a diffusers / Optimum pipeline folder (pipeline-folder.ts) for import as one diffusion target: its
// components' I/O read from the ONNX files, the folder's settings (explicit import settings win), the same checks a
// run makes by building the denoiser once, and every component file with its external data hashed into the identity.
import path from 'node:path';
import { createNoiseSchedule } from '../engine/diffusion/scheduler';
import { buildDiffusionConfig, type DiffusionOverrides } from '../engine/models/config-from-sidecar';
import { createDenoiser } from '../engine/models/denoiser-adapter';
import type { DiffusionConfig } from '../engine/models/model-config';
import { readModelJsonFile } from '../engine/models/model-json-file';
import { openOnnxModel, type OnnxModel } from '../engine/models/onnx-session';
import { loadPipelineTokenizer, readPipelineFolder } from '../engine/models/pipeline-folder';
import { pipelineSettings } from '../engine/models/pipeline-settings';
import type { ModelIo } from '../workspace/models-repo';
import { hashModelFiles, withExternalData, type StoredFiles } from './model-files';

export interface PreparedPipeline {
  readonly name: string;
  readonly files: StoredFiles;
  readonly sha256: string;
  readonly config: DiffusionConfig;
  readonly io: ModelIo;
}

const onnxComponents = ['denoiser', 'vae_encoder', 'vae_decoder', 'text_encoder'] as const;

const ioOf = (model: OnnxModel) => ({
  inputs: model.inputs.map((t) => ({ ...t, shape: [...t.shape] })),
  outputs: model.outputs.map((t) => ({ ...t, shape: [...t.shape] })),
});

export async function preparePipeline(folder: string, overrides: DiffusionOverrides, name?: string): Promise<PreparedPipeline> {
  const pipeline = readPipelineFolder(folder);
  const paths: Record<string, string> = { ...pipeline.files };
  // External weights that leave the folder are refused here, with their own code, before ONNX Runtime opens anything.
  withExternalData(paths);
  const scheduler = readModelJsonFile(pipeline.files.scheduler, 'Scheduler configuration', 'model.bad-scheduler');
  const io: ModelIo = {};
  let denoiser: OnnxModel | null = null;
  let config: DiffusionConfig;
  try {
    for (const role of onnxComponents) {
      const file = pipeline.files[role];
      if (!file) continue;
      const model = await openOnnxModel(file);
      io[role] = ioOf(model);
      if (role === 'denoiser') denoiser = model;
      else await model.release();
    }
    const fromFolder = pipelineSettings(pipeline, {
      denoiser: io.denoiser!,
      vae_encoder: io.vae_encoder!,
      vae_decoder: io.vae_decoder!,
      ...(io.text_encoder ? { text_encoder: io.text_encoder } : {}),
    });
    const built = buildDiffusionConfig(null, scheduler, { ...fromFolder, ...overrides }, io.denoiser!.inputs, path.basename(folder));
    createDenoiser(denoiser!, built, createNoiseSchedule(built.scheduler, built.predictionType)); // the checks a run makes
    if (built.conditioning?.kind === 'text') loadPipelineTokenizer(pipeline.files, built.conditioning.maxLength); // checks its files
    config = built;
  } finally {
    await denoiser?.release();
  }
  const { files, sha256 } = await hashModelFiles(paths);
  return { name: name ?? path.basename(folder), files, sha256, config, io };
}
