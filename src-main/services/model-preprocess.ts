// models.setPreprocess: the auditor overrides the preprocessing a model was imported with: a named preset (ImageNet,
// CLIP: their resize, crop, filter and normalisation) or the imported one, with mean/std edited by hand. Allowed for
// a model that already has runs: each run records the exact preprocessing it started with in its configuration
// (run-preparation.ts), and an interrupted run is not resumed on another one (run-preprocess-pin.ts). The channel
// count stays as imported, and a preset whose output size contradicts the model's fixed input is refused, naming
// both, so an override can never make the model unrunnable. Whether greyscale images may reach a 3-channel model is
// the auditor's call (expandGrey); it is meaningless for a 1-channel model and refused there.
import type { ModelSummary } from '../../src-shared/contract/contract';
import type { ModelPreprocessRequest } from '../../src-shared/contract/contract-preprocess';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { fixedDim } from '../engine/models/onnx-session';
import { preprocessPresets } from '../engine/models/preprocess-presets';
import { PreprocessSpec } from '../engine/models/preprocess-spec';
import { setModelConfig } from '../workspace/model-config-writes';
import { getModel, getStoredModel, type StoredModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';

/** The image input as import recorded it: the configured name, else the file's only input. */
function imageInputShape(model: StoredModel): readonly (number | string)[] | null {
  const io = model.io[model.kind === 'clip' ? 'image' : 'model'];
  const names = model.config.io as { input?: string; imageInput?: string } | undefined;
  const name = names?.input ?? names?.imageInput;
  const input = io?.inputs.find((t) => t.name === name) ?? (io?.inputs.length === 1 ? io.inputs[0] : undefined);
  return input?.shape ?? null;
}

function assertFitsInput(model: StoredModel, spec: PreprocessSpec, preset: string): void {
  const shape = imageInputShape(model);
  if (!shape || spec.layout !== 'NCHW') return;
  const [height, width] = [fixedDim(shape[2]), fixedDim(shape[3])];
  if ((height === null || height === spec.height) && (width === null || width === spec.width)) return;
  throw new MiaError(
    'model.preprocess-mismatch',
    `The ${preset} preset gives ${spec.width}×${spec.height} images (width×height), but the input of model '${model.name}' takes ` +
      `${width ?? '?'}×${height ?? '?'} ([${shape.join(', ')}]). Keep the imported resize and edit mean and std instead.`,
    { modelId: model.id, field: 'preset', preprocessor: [spec.height, spec.width], model: [...shape] },
  );
}

export function setModelPreprocess(db: WorkspaceDb, request: ModelPreprocessRequest): ModelSummary {
  return db
    .transaction(() => {
      const model = getStoredModel(db, request.modelId);
      if (model.kind === 'diffusion') {
        throw new MiaError(
          'model.bad-preprocess',
          `Model '${model.name}' is a diffusion model; its preprocessing follows its scheduler and cannot be overridden.`,
          { modelId: model.id, field: 'modelId' },
        );
      }
      const column = `config of model ${model.id}`;
      // The first override keeps what import read, so "imported" can always go back to it.
      const imported = parseWith(
        PreprocessSpec,
        model.config.importedPreprocess ?? model.config.preprocess,
        column,
        'workspace.corrupt-column',
      );
      const preset = request.preset === 'imported' ? imported : preprocessPresets[request.preset];
      const candidate = {
        ...imported,
        width: preset.width,
        height: preset.height,
        resize: preset.resize,
        scale: preset.scale,
        mean: request.mean ?? preset.mean,
        std: request.std ?? preset.std,
        expandGrey: request.expandGrey ?? imported.expandGrey,
      };
      if (request.expandGrey === true && imported.channels !== 3) {
        throw new MiaError(
          'model.bad-preprocess',
          `Model '${model.name}' takes ${imported.channels}-channel images; greyscale expansion applies only to a 3-channel model.`,
          { modelId: model.id, field: 'expandGrey' },
        );
      }
      const spec = parseWith(
        PreprocessSpec,
        candidate,
        `Preprocessing of model '${model.name}' (${imported.channels} channels)`,
        'model.bad-preprocess',
      );
      assertFitsInput(model, spec, request.preset);
      setModelConfig(db, model.id, { ...model.config, preprocess: spec, importedPreprocess: imported });
      return getModel(db, model.id);
    })
    .immediate();
}
