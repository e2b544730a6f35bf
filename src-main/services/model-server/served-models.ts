// The ONNX models `mia serve` answers for over KServe v2: each opened once with the engine's session, described in the
// protocol's metadata shape, and run on a decoded request after every input has been checked against the model.
import * as ort from 'onnxruntime-node';
import { MiaError } from '../../common/errors';
import { openOnnxModel, type OnnxModel, type TensorInfo } from '../../engine/models/onnx-session';
import {
  kserveDatatypeOfOrt,
  ortDtypeOf,
  type InferRequest,
  type InferResponse,
  type KserveTensor,
  type MetadataTensor,
  type ModelMetadata,
  type TensorValues,
} from '../../engine/remote/kserve-v2-protocol';
import { httpError } from './http-exchange';
import type { ServedModelConfig } from './serve-config';

export interface ServedModel {
  readonly name: string;
  readonly version: string | undefined;
  readonly onnx: OnnxModel;
  readonly metadata: ModelMetadata;
}

const platform = 'onnxruntime_onnx';

/** Opens every configured model; a model whose tensors the protocol cannot carry is refused before the server listens. */
export async function openServedModels(configs: readonly ServedModelConfig[]): Promise<ServedModel[]> {
  const served: ServedModel[] = [];
  try {
    for (const config of configs) {
      const onnx = await openOnnxModel(config.onnx);
      served.push({ name: config.name, version: config.version, onnx, metadata: metadataOf(config, onnx) });
    }
    return served;
  } catch (error) {
    await releaseServedModels(served);
    throw error;
  }
}

export async function releaseServedModels(models: readonly ServedModel[]): Promise<void> {
  await Promise.allSettled(models.map((model) => model.onnx.release()));
}

/** The model a request names; a version must be the configured one. Anything else is a 404. */
export function findServedModel(models: readonly ServedModel[], name: string, version: string | undefined): ServedModel {
  const found = models.find((model) => model.name === name && (version === undefined || model.version === version));
  if (found) return found;
  const known = models.filter((model) => model.name === name);
  throw httpError(
    404,
    'serve.unknown-model',
    known.length > 0
      ? `Model "${name}" has no version "${version}"; served: ${known.map((model) => model.version ?? '(unversioned)').join(', ')}.`
      : `No model named "${name}" is served.`,
  );
}

function metadataOf(config: ServedModelConfig, onnx: OnnxModel): ModelMetadata {
  const tensor = (info: TensorInfo, side: string): MetadataTensor => {
    const datatype = kserveDatatypeOfOrt(info.dtype);
    if (datatype === null || datatype === 'FP16') {
      throw new MiaError(
        'serve.unsupported-model',
        `${onnx.file}: ${side} "${info.name}" is ${info.dtype}; mia serve carries bool, integer, float32, float64 and string tensors.`,
      );
    }
    // Symbolic dimensions (a batch named "N") are free dimensions, -1 in the protocol.
    return { name: info.name, datatype, shape: info.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : -1)) };
  };
  return {
    name: config.name,
    ...(config.version ? { versions: [config.version] } : {}),
    platform,
    inputs: onnx.inputs.map((info) => tensor(info, 'input')),
    outputs: onnx.outputs.map((info) => tensor(info, 'output')),
  };
}

/** Runs a decoded request; every mismatch with the model's inputs or outputs is a 400 naming the tensor. */
export async function inferServed(model: ServedModel, request: InferRequest): Promise<InferResponse> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of request.inputs) {
    const expected = model.metadata.inputs.find((candidate) => candidate.name === input.name);
    if (!expected) {
      throw badInput(`Input "${input.name}" is not an input of model "${model.name}" (its inputs: ${namesOf(model.metadata.inputs)}).`);
    }
    if (feeds[input.name]) throw badInput(`Input "${input.name}" is given twice.`);
    checkTensor(input, expected);
    feeds[input.name] = new ort.Tensor(ortDtypeOf(expected.datatype) as ort.Tensor.Type, input.data as never, [...input.shape]);
  }
  const missing = model.metadata.inputs.filter((expected) => !feeds[expected.name]);
  if (missing.length > 0) throw badInput(`Model "${model.name}" needs input ${namesOf(missing)}, which the request does not give.`);
  const wanted = request.outputs?.map((output) => output.name) ?? model.metadata.outputs.map((output) => output.name);
  for (const name of wanted) {
    if (!model.metadata.outputs.some((output) => output.name === name)) {
      throw badInput(`Output "${name}" is not an output of model "${model.name}" (its outputs: ${namesOf(model.metadata.outputs)}).`);
    }
  }
  const results = await model.onnx.run(feeds);
  const outputs = wanted.map((name): KserveTensor => {
    const tensor = results[name] as ort.Tensor;
    const datatype = model.metadata.outputs.find((output) => output.name === name)!.datatype;
    return { name, datatype, shape: tensor.dims.map(Number), data: tensor.data as TensorValues };
  });
  return {
    model_name: model.name,
    ...(model.version ? { model_version: model.version } : {}),
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs,
  };
}

const badInput = (message: string) => httpError(400, 'serve.bad-input', message);
const namesOf = (tensors: readonly { name: string }[]) => tensors.map((tensor) => `"${tensor.name}"`).join(', ');

function checkTensor(input: KserveTensor, expected: MetadataTensor): void {
  if (input.datatype !== expected.datatype) {
    throw badInput(`Input "${input.name}" is ${input.datatype}; the model takes ${expected.datatype}.`);
  }
  const fits =
    input.shape.length === expected.shape.length && expected.shape.every((dim, index) => dim === -1 || dim === input.shape[index]);
  if (!fits) {
    throw badInput(
      `Input "${input.name}" has shape [${input.shape.join(', ')}]; the model takes [${expected.shape.join(', ')}] (-1: any size).`,
    );
  }
}
