// The demo kit as the engine sees it after an import: run records read from a family's manifest.csv (hashed like
// the importer does, since the pixel loader re-checks every hash) and model specs with configurations built from
// the sidecars, ready for the family runtimes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../../src-main/engine/attacks/run-record';
import { parseCsv } from '../../src-main/engine/data/csv';
import type { ModelSpec } from '../../src-main/engine/jobs/attack-task';
import { buildClassifierConfig, buildClipConfig, buildDiffusionConfig } from '../../src-main/engine/models/config-from-sidecar';
import { openOnnxModel } from '../../src-main/engine/models/onnx-session';
import { ModelSidecar } from '../../src-main/engine/models/sidecar';
import { preparePipeline } from '../../src-main/services/pipeline-import';
import { kitFolder } from './paths';

type Family = 'classifier' | 'clip' | 'diffusion' | 'latent-diffusion';

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
const sidecarOf = (onnxFile: string) => ModelSidecar.parse(readJson(onnxFile.replace(/\.onnx$/, '.json')));

/** The older kits mark a finished folder with DONE; a pipeline folder is complete when its model_index.json is there. */
export function hasKit(family: Family): boolean {
  return fs.existsSync(path.join(kitFolder(family), family === 'latent-diffusion' ? 'model_index.json' : 'DONE'));
}

/** Records of `roles`, grouped by role in the order given (the engine scores audit, then calibration). */
export function demoRecords(family: Family, roles: readonly RunRecord['role'][], limit = Infinity): RunRecord[] {
  const folder = kitFolder(family);
  const [header, ...rows] = parseCsv(fs.readFileSync(path.join(folder, 'manifest.csv'), 'utf8'), 'manifest.csv');
  const column = (name: string) => header!.fields.indexOf(name);
  const entries = rows.map((row) =>
    Object.fromEntries(['id', 'path', 'label', 'caption', 'member', 'role'].map((c) => [c, row.fields[column(c)] ?? ''])),
  );
  const chosen = roles.flatMap((role) => entries.filter((e) => e.role === role)).slice(0, limit);
  return chosen.map((e, i) => {
    const file = path.join(folder, e.path!);
    return {
      id: i + 1,
      key: e.id!,
      path: file,
      sourceIndex: null,
      sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
      label: e.label === '' ? null : Number(e.label),
      caption: e.caption === '' ? null : e.caption!,
      member: e.member === '1' ? 1 : e.member === '0' ? 0 : null,
      role: e.role as RunRecord['role'],
    };
  });
}

function spec(
  id: number,
  name: string,
  kind: ModelSpec['kind'],
  files: Record<string, string>,
  config: unknown,
  trainedOn: string[] | null,
): ModelSpec {
  return {
    id,
    name,
    kind,
    files: Object.fromEntries(Object.entries(files).map(([role, p]) => [role, { path: p, sha256: '' }])),
    config,
    sha256: '',
    trainedOn,
  };
}

async function probe<T>(file: string, read: (m: Awaited<ReturnType<typeof openOnnxModel>>) => T): Promise<T> {
  const model = await openOnnxModel(file);
  try {
    return read(model);
  } finally {
    await model.release();
  }
}

export async function classifierSpecs(): Promise<{ target: ModelSpec; references: ModelSpec[] }> {
  const folder = kitFolder('classifier');
  const one = async (file: string, id: number, trainedOn: string[] | null) =>
    spec(
      id,
      path.basename(file, '.onnx'),
      'classifier',
      { model: file },
      await probe(file, (m) => buildClassifierConfig(sidecarOf(file), {}, m, path.basename(file))),
      trainedOn,
    );
  const manifest = readJson(path.join(folder, 'reference', 'manifest.json')) as { models: { path: string; trained_on: string[] }[] };
  const references: ModelSpec[] = [];
  for (const [i, m] of manifest.models.entries()) references.push(await one(path.join(folder, 'reference', m.path), i + 2, m.trained_on));
  return { target: await one(path.join(folder, 'target.onnx'), 1, null), references };
}

export async function clipSpec(): Promise<ModelSpec> {
  const folder = kitFolder('clip');
  const image = path.join(folder, 'image_encoder.onnx');
  const text = path.join(folder, 'text_encoder.onnx');
  const config = await probe(image, (m) =>
    buildClipConfig({ image: sidecarOf(image), text: sidecarOf(text) }, {}, m.inputs, 'image_encoder.onnx'),
  );
  const files = {
    image,
    text,
    tokenizer: path.join(folder, 'tokenizer.json'),
    tokenizer_config: path.join(folder, 'tokenizer_config.json'),
  };
  return spec(1, 'demo clip', 'clip', files, config, null);
}

export async function diffusionSpec(): Promise<ModelSpec> {
  const folder = kitFolder('diffusion');
  const unet = path.join(folder, 'unet.onnx');
  const scheduler = readJson(path.join(folder, 'scheduler.json'));
  const config = await probe(unet, (m) => buildDiffusionConfig(sidecarOf(unet), scheduler, {}, m.inputs, 'unet.onnx'));
  return spec(1, 'demo unet', 'diffusion', { denoiser: unet }, config, null);
}

/** The text-conditional latent pipeline folder, prepared as its import prepares it (config read from the folder). */
export async function latentPipelineSpec(): Promise<ModelSpec> {
  const prepared = await preparePipeline(kitFolder('latent-diffusion'), {});
  return {
    id: 1,
    name: prepared.name,
    kind: 'diffusion',
    files: prepared.files,
    config: prepared.config,
    sha256: prepared.sha256,
    trainedOn: null,
  };
}
