// The `mia audit` config file (YAML or JSON): what to import and which attacks to run. Paths are relative to the
// config file. Every key is checked, and an error names the key and what was expected. Seeds, counts and training
// settings take their limits from the contract's own schemas, so a config the services would refuse halfway through
// an audit is refused here, before anything runs.
import path from 'node:path';
import { z } from 'zod';
import {
  DatasetSourceKind,
  RecordRole,
  RunStartRequest,
  SlurmSettings,
  SplitPlanRequest,
  TrainingRecipe,
  TrainingStartRequest,
} from '../../src-shared/contract/contract';
import { RemoteEndpoint, RemoteProtocol } from '../../src-shared/domain/remote-models';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { plainYaml, readConfigText } from '../common/plain-yaml';
import type { AttackModule } from '../engine/attacks/attack-module';
import { findRunAttack } from '../engine/attacks/run-attack';

const FilePath = z.string().min(1);

/** A classifier or diffusion denoiser served over KServe v2: the endpoint and the server's model name (and version). */
const RemoteSingleModel = RemoteEndpoint.extend({ model: z.string().min(1), version: z.string().min(1).optional() });
/** A diffusion target may instead be an image-variation API (`protocol: image-variation`, `model` e.g. "dall-e-2"). */
const RemoteDiffusionModel = RemoteSingleModel.extend({ protocol: RemoteProtocol.optional() });
/** A CLIP pair served over KServe v2: the image and text encoders are two served models on one server. */
const RemoteClipModels = RemoteEndpoint.extend({
  imageModel: z.string().min(1),
  imageVersion: z.string().min(1).optional(),
  textModel: z.string().min(1),
  textVersion: z.string().min(1).optional(),
});

const TargetConfig = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('classifier'),
      name: z.string().optional(),
      model: FilePath.optional(),
      /** A classifier served over the network; its classes and preprocessing come from `sidecar`. */
      remote: RemoteSingleModel.optional(),
      sidecar: FilePath.optional(),
      /**
       * Treat the target as a label API: only its predicted label is read, and attacks that need probabilities or
       * logits are refused. A model whose output is the class index is label-only whatever this says.
       */
      labelOnly: z.boolean().optional(),
    })
    .refine((classifier) => (classifier.model === undefined) !== (classifier.remote === undefined), {
      message: 'a classifier target takes either "model" (an ONNX file or folder) or "remote" (a served model), not both',
    }),
  z
    .strictObject({
      kind: z.literal('clip'),
      name: z.string().optional(),
      /** Image and text encoders served over the network; the tokenizer stays a local file (`tokenizer`). */
      remote: RemoteClipModels.optional(),
      /** A combined CLIP model: one ONNX file serving as both encoders, or its Optimum folder (combined-clip-folder.ts). */
      model: FilePath.optional(),
      imageModel: FilePath.optional(),
      textModel: FilePath.optional(),
      tokenizer: FilePath.optional(),
      sidecar: FilePath.optional(),
      textSidecar: FilePath.optional(),
    })
    .refine(
      (clip) =>
        clip.remote === undefined ||
        (clip.model === undefined && clip.imageModel === undefined && clip.textModel === undefined && clip.tokenizer !== undefined),
      { message: 'a CLIP target with "remote" takes "tokenizer" (a local file) and no "model", "imageModel" or "textModel"' },
    )
    .refine(
      (clip) =>
        clip.remote !== undefined ||
        (clip.model === undefined) === (clip.imageModel !== undefined && clip.textModel !== undefined && clip.tokenizer !== undefined),
      {
        message:
          'a CLIP target takes either "model" (one combined model file or folder) or "imageModel", "textModel" and "tokenizer", not both',
      },
    )
    .refine(
      (clip) =>
        clip.model === undefined || (clip.imageModel === undefined && clip.textModel === undefined && clip.textSidecar === undefined),
      {
        message: 'a CLIP target with "model" takes no "imageModel", "textModel" or "textSidecar"',
      },
    ),
  z
    .strictObject({
      kind: z.literal('diffusion'),
      name: z.string().optional(),
      model: FilePath.optional(),
      /** A diffusers pipeline folder as Optimum exports it (pipeline-folder.ts); it brings its own scheduler. */
      pipeline: FilePath.optional(),
      /** An unconditional pixel denoiser served over the network; its scheduler stays a local file. */
      remote: RemoteDiffusionModel.optional(),
      scheduler: FilePath.optional(),
      sidecar: FilePath.optional(),
    })
    .refine((diffusion) => [diffusion.model, diffusion.pipeline, diffusion.remote].filter((given) => given !== undefined).length === 1, {
      message:
        'a diffusion target takes either "model" (one denoiser file) or "pipeline" (a pipeline folder) or "remote" (a served denoiser), exactly one of them',
    })
    .refine(
      (diffusion) =>
        diffusion.remote?.protocol !== 'image-variation' || (diffusion.scheduler === undefined && diffusion.sidecar === undefined),
      { message: 'an image-variation target (remote.protocol: image-variation) takes no "scheduler" or "sidecar"; the API shows neither' },
    )
    .refine((diffusion) => diffusion.pipeline === undefined || (diffusion.scheduler === undefined && diffusion.sidecar === undefined), {
      message: 'a diffusion target with "pipeline" takes no "scheduler" or "sidecar"; the folder brings its own',
    }),
]);

/**
 * Shadow or reference models: imported from a `trained_on` manifest, or trained by the workbench's training bridge
 * (a Python with PyTorch) into `train.folder`, which then holds the plan, the ONNX models and their manifest.
 */
const ModelSetConfig = z.union([
  z.strictObject({ manifest: FilePath, name: z.string().optional() }),
  z.strictObject({
    name: z.string().optional(),
    train: z.strictObject({
      folder: FilePath,
      count: SplitPlanRequest.shape.count,
      seed: SplitPlanRequest.shape.seed,
      trainSize: SplitPlanRequest.shape.trainSize,
      ...TrainingRecipe.shape,
      /** `slurm`: one job array on the auditor's cluster, with the `slurm` settings (docs/slurm.md). */
      backend: TrainingStartRequest.shape.backend.optional(),
      slurm: SlurmSettings.optional(),
    }),
  }),
]);
export type ModelSetConfig = z.output<typeof ModelSetConfig>;

export const AuditConfig = z.strictObject({
  /** Free text shown in reports. */
  title: z.string().optional(),
  dataset: z.strictObject({
    kind: DatasetSourceKind.default('manifest-csv'),
    path: FilePath,
    labels: FilePath.optional(),
    name: z.string().optional(),
    defaultRole: RecordRole.optional(),
  }),
  target: TargetConfig,
  references: ModelSetConfig.optional(),
  shadows: ModelSetConfig.optional(),
  nullModel: z.strictObject({ model: FilePath, name: z.string().optional() }).optional(),
  runs: z
    .array(
      z.strictObject({
        attack: RunStartRequest.shape.attack,
        seed: RunStartRequest.shape.seed,
        params: RunStartRequest.shape.params,
        /** For a remote target: the most infer requests this run may send (responses already cached are free). */
        queryBudget: RunStartRequest.shape.queryBudget,
        /** δ of this run's empirical ε lower bound, in (0, 0.1]; absent: 1e-5. */
        delta: RunStartRequest.shape.epsilonDelta,
      }),
    )
    .min(1),
});
export type AuditConfig = z.output<typeof AuditConfig>;

/** Reads and checks a config file; relative paths in it are resolved against the file's folder. */
export function readAuditConfig(file: string): { config: AuditConfig; baseDir: string } {
  const absolute = path.resolve(file);
  const text = readConfigText(absolute, 'audit config');
  let raw: unknown;
  if (/\.json$/i.test(absolute)) {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new MiaError('config.syntax', `The audit config ${absolute} is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    raw = plainYaml(text, `The audit config ${absolute}`);
  }
  const config = parseWith(AuditConfig, raw, `Audit config ${absolute}`, 'config.invalid');
  checkRunsAgainstAttacks(config, absolute);
  return { config, baseDir: path.dirname(absolute) };
}

/**
 * Each run's attack must exist, fit the target's family, and accept its params (by the attack's own schema), so
 * that a mistake in the fifth run is found before the first one spends an hour.
 */
function checkRunsAgainstAttacks(config: AuditConfig, file: string): void {
  config.runs.forEach((run, index) => {
    let attack: AttackModule;
    try {
      attack = findRunAttack(run.attack, run.params);
    } catch (error) {
      throw new MiaError('config.invalid', `Audit config ${file}: runs[${index}].attack: ${(error as Error).message}`);
    }
    if (attack.family !== config.target.kind) {
      throw new MiaError(
        'config.invalid',
        `Audit config ${file}: runs[${index}].attack: ${attack.id} attacks ${attack.family} models, but the target is a ${config.target.kind} model.`,
      );
    }
    parseWith(attack.params, run.params, `Audit config ${file}: runs[${index}].params (${attack.id})`, 'config.invalid');
    if (run.queryBudget !== undefined && config.target.remote === undefined) {
      throw new MiaError(
        'config.invalid',
        `Audit config ${file}: runs[${index}].queryBudget limits the requests sent to a remote target; this target has no "remote".`,
      );
    }
  });
}
