// The `mia audit` config file (YAML or JSON): what to import and which attacks to run. Paths are relative to the
// config file. Every key is checked, and an error names the key and what was expected. Seeds, counts and training
// settings take their limits from the contract's own schemas, so a config the services would refuse halfway through
// an audit is refused here, before anything runs.
import fs from 'node:fs';
import path from 'node:path';
import { isNode, LineCounter, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { DatasetSourceKind, RecordRole, RunStartRequest, SplitPlanRequest, TrainingRecipe } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import type { AttackModule } from '../engine/attacks/attack-module';
import { findAttack } from '../engine/attacks/registry';

const FilePath = z.string().min(1);

const TargetConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('classifier'), name: z.string().optional(), model: FilePath, sidecar: FilePath.optional() }),
  z
    .strictObject({
      kind: z.literal('clip'),
      name: z.string().optional(),
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
      scheduler: FilePath.optional(),
      sidecar: FilePath.optional(),
    })
    .refine((diffusion) => (diffusion.model === undefined) !== (diffusion.pipeline === undefined), {
      message: 'a diffusion target takes either "model" (one denoiser file) or "pipeline" (a pipeline folder), not both',
    })
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
      }),
    )
    .min(1),
});
export type AuditConfig = z.output<typeof AuditConfig>;

/** Reads and checks a config file; relative paths in it are resolved against the file's folder. */
export function readAuditConfig(file: string): { config: AuditConfig; baseDir: string } {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new MiaError(
      'config.unreadable',
      `Cannot read the audit config ${absolute}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
    );
  }
  let raw: unknown;
  if (/\.json$/i.test(absolute)) {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new MiaError('config.syntax', `The audit config ${absolute} is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    raw = plainYaml(text, absolute);
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
      attack = findAttack(run.attack);
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
  });
}

/** The tags a config may spell out: JSON's kinds of value. Anything else (`!!binary`, `!!set`, `!foo`) is refused. */
const plainTags = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`));

/**
 * Parses YAML into plain JSON-like values. Explicit tags would otherwise give Buffers, Sets, Maps or Dates whose
 * schema errors list their methods, or (unknown tags) a warning printed to the terminal and a string.
 */
function plainYaml(text: string, file: string): unknown {
  const lines = new LineCounter();
  const document = parseDocument(text, { schema: 'core', logLevel: 'silent', prettyErrors: true, lineCounter: lines });
  const [error] = document.errors;
  if (error) throw new MiaError('config.syntax', `The audit config ${file} is not valid YAML: ${error.message}`);
  visit(document, (_key, node) => {
    if (!isNode(node) || node.tag === undefined || plainTags.has(node.tag)) return undefined;
    const line = node.range ? lines.linePos(node.range[0]).line : null;
    throw new MiaError(
      'config.yaml-tag',
      `The audit config ${file}${line ? ` (line ${line})` : ''} uses the YAML tag ${node.tag.replace('tag:yaml.org,2002:', '!!')}; only plain strings, numbers, booleans, lists and maps are allowed (remove the tag).`,
      { tag: node.tag, ...(line ? { line } : {}) },
    );
  });
  return document.toJS({ maxAliasCount: 100 });
}
