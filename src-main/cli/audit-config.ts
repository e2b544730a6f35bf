// The `mia audit` config file (YAML or JSON): what to import and which attacks to run. Paths are relative to the
// config file. Every key is checked, and an error names the key and what was expected.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DatasetSourceKind, RecordRole } from '../../src-preload/contract';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';

const FilePath = z.string().min(1);

const TargetConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('classifier'), name: z.string().optional(), model: FilePath, sidecar: FilePath.optional() }),
  z.strictObject({
    kind: z.literal('clip'),
    name: z.string().optional(),
    imageModel: FilePath,
    textModel: FilePath,
    tokenizer: FilePath,
    sidecar: FilePath.optional(),
    textSidecar: FilePath.optional(),
  }),
  z.strictObject({ kind: z.literal('diffusion'), name: z.string().optional(), model: FilePath, scheduler: FilePath.optional(), sidecar: FilePath.optional() }),
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
      count: z.number().int().min(1).max(256).default(8),
      seed: z.number().int().min(0).default(0),
      trainSize: z.number().int().min(1).optional(),
      epochs: z.number().int().min(1).optional(),
      learningRate: z.number().positive().optional(),
      batchSize: z.number().int().min(1).optional(),
      weightDecay: z.number().min(0).optional(),
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
        attack: z.string().min(1),
        seed: z.number().int().min(0).default(0),
        params: z.record(z.string(), z.unknown()).default({}),
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
    throw new MiaError('config.unreadable', `Cannot read the audit config ${absolute}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(absolute) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new MiaError('config.syntax', `The audit config ${absolute} is not valid ${/\.json$/i.test(absolute) ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  const config = parseWith(AuditConfig, raw, `Audit config ${absolute}`, 'config.invalid');
  return { config, baseDir: path.dirname(absolute) };
}
