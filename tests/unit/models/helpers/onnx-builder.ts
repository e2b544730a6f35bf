// Writes tiny ONNX models for tests (a minimal protobuf encoder for ModelProto), so edge cases such as an int64
// timestep input can be exercised with a real ONNX Runtime session and an analytically known output.
import fs from 'node:fs';
import path from 'node:path';

export const elemType = { float32: 1, int32: 6, int64: 7, float64: 11 } as const;
export type ElemTypeName = keyof typeof elemType;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const intField = (field: number, value: number | bigint) => [...key(field, 0), ...varint(value)];
const bytesField = (field: number, bytes: number[] | Uint8Array) => [...key(field, 2), ...varint(bytes.length), ...bytes];
const stringField = (field: number, text: string) => bytesField(field, [...Buffer.from(text, 'utf8')]);

export interface ValueSpec {
  readonly name: string;
  readonly type: ElemTypeName;
  readonly shape: readonly (number | string)[];
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer attributes only (enough for Cast's "to"). */
  readonly intAttributes?: Record<string, number>;
}

/** Where a tensor's bytes live when they are kept outside the .onnx file (TensorProto.external_data). */
export interface ExternalDataSpec {
  /** As written into the model: relative to the model's folder, or a hostile value such as "../outside.bin". */
  readonly location: string;
  readonly offset?: number;
  readonly length?: number;
}

export interface InitializerSpec {
  readonly name: string;
  readonly type: 'float32' | 'int64';
  readonly dims: readonly number[];
  readonly values: readonly number[];
  /** Set: the model only references the bytes (data_location EXTERNAL); write them with `initializerBytes`. */
  readonly external?: ExternalDataSpec;
}

function valueInfo(spec: ValueSpec): number[] {
  const dims = spec.shape.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensorType = [...intField(1, elemType[spec.type]), ...bytesField(2, dims)];
  return [...stringField(1, spec.name), ...bytesField(2, bytesField(1, tensorType))];
}

function node(spec: NodeSpec, index: number): number[] {
  const attributes = Object.entries(spec.intAttributes ?? {}).flatMap(([name, value]) =>
    // AttributeProto: name = 1, i = 3, type = 20 (INT = 2)
    bytesField(5, [...stringField(1, name), ...intField(3, value), ...intField(20, 2)]),
  );
  return [
    ...spec.inputs.flatMap((name) => stringField(1, name)),
    ...spec.outputs.flatMap((name) => stringField(2, name)),
    ...stringField(3, `n${index}`),
    ...stringField(4, spec.op),
    ...attributes,
  ];
}

/** The tensor's little-endian bytes, as raw_data holds them or as an external data file holds them at its offset. */
export function initializerBytes(spec: Pick<InitializerSpec, 'type' | 'values'>): Uint8Array {
  return spec.type === 'float32'
    ? new Uint8Array(Float32Array.from(spec.values).buffer)
    : new Uint8Array(BigInt64Array.from(spec.values.map(BigInt)).buffer);
}

function initializer(spec: InitializerSpec): number[] {
  const head = [...spec.dims.flatMap((d) => intField(1, d)), ...intField(2, elemType[spec.type]), ...stringField(8, spec.name)];
  if (!spec.external) return [...head, ...bytesField(9, initializerBytes(spec))];
  // TensorProto: external_data = 13 (StringStringEntryProto key = 1, value = 2), data_location = 14 (EXTERNAL = 1).
  const { location, offset, length } = spec.external;
  const entries: [string, string][] = [['location', location]];
  if (offset !== undefined) entries.push(['offset', String(offset)]);
  if (length !== undefined) entries.push(['length', String(length)]);
  return [...head, ...entries.flatMap(([k, v]) => bytesField(13, [...stringField(1, k), ...stringField(2, v)])), ...intField(14, 1)];
}

export function buildOnnxModel(graph: {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: InitializerSpec[];
}): Uint8Array {
  const graphBytes = [
    ...graph.nodes.flatMap((n, i) => bytesField(1, node(n, i))),
    ...stringField(2, 'test-graph'),
    ...(graph.initializers ?? []).flatMap((init) => bytesField(5, initializer(init))),
    ...graph.inputs.flatMap((v) => bytesField(11, valueInfo(v))),
    ...graph.outputs.flatMap((v) => bytesField(12, valueInfo(v))),
  ];
  const opset = [...stringField(1, ''), ...intField(2, 17)];
  return Uint8Array.from([...intField(1, 8), ...stringField(2, 'mia-tests'), ...bytesField(7, graphBytes), ...bytesField(8, opset)]);
}

/**
 * Writes the model to `file` and each external initializer's bytes into its location (resolved against the model's
 * folder, so a hostile "../outside.bin" really exists outside), at its offset.
 */
export function writeOnnxWithExternalData(file: string, graph: Parameters<typeof buildOnnxModel>[0]): void {
  fs.writeFileSync(file, buildOnnxModel(graph));
  for (const init of graph.initializers ?? []) {
    if (!init.external) continue;
    const target = path.resolve(path.dirname(file), init.external.location);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const handle = fs.openSync(target, fs.existsSync(target) ? 'r+' : 'w');
    try {
      fs.writeSync(handle, initializerBytes(init), 0, undefined, init.external.offset ?? 0);
    } finally {
      fs.closeSync(handle);
    }
  }
}

/**
 * A denoiser whose ε is known in closed form: ε(x, t) = factor · t · x, with t fed as `timestepType`
 * (shape [batch] or a scalar).
 */
export function writeLinearDenoiser(
  file: string,
  options: { timestepType: ElemTypeName; timestepShape?: (number | string)[]; factor?: number; channels?: number; size?: number },
): void {
  const channels = options.channels ?? 1;
  const size = options.size ?? 4;
  const model = buildOnnxModel({
    inputs: [
      { name: 'sample', type: 'float32', shape: ['batch', channels, size, size] },
      { name: 'timestep', type: options.timestepType, shape: options.timestepShape ?? ['batch'] },
    ],
    outputs: [{ name: 'epsilon', type: 'float32', shape: ['batch', channels, size, size] }],
    initializers: [
      { name: 'factor', type: 'float32', dims: [], values: [options.factor ?? 0.001] },
      { name: 'column', type: 'int64', dims: [4], values: [-1, 1, 1, 1] },
    ],
    nodes: [
      { op: 'Cast', inputs: ['timestep'], outputs: ['t_float'], intAttributes: { to: elemType.float32 } },
      { op: 'Reshape', inputs: ['t_float', 'column'], outputs: ['t_column'] },
      { op: 'Mul', inputs: ['sample', 't_column'], outputs: ['scaled'] },
      { op: 'Mul', inputs: ['scaled', 'factor'], outputs: ['epsilon'] },
    ],
  });
  fs.writeFileSync(file, model);
}

/** A linear classifier on [batch, channels, size, size] images: logits = flatten(x) · W, W[i][k] = (i + 1)·(k − 1)/10. */
export function writeLinearClassifier(
  file: string,
  options: { channels?: number; size?: number; classes?: number; softmax?: boolean; batch?: number | string } = {},
): void {
  const channels = options.channels ?? 1;
  const size = options.size ?? 2;
  const classes = options.classes ?? 3;
  const features = channels * size * size;
  const weights = Array.from({ length: features * classes }, (_, j) => ((Math.floor(j / classes) + 1) * ((j % classes) - 1)) / 10);
  const model = buildOnnxModel({
    inputs: [{ name: 'pixel_values', type: 'float32', shape: [options.batch ?? 'batch', channels, size, size] }],
    outputs: [{ name: options.softmax ? 'probabilities' : 'logits', type: 'float32', shape: [options.batch ?? 'batch', classes] }],
    initializers: [
      { name: 'flat', type: 'int64', dims: [2], values: [-1, features] },
      { name: 'weights', type: 'float32', dims: [features, classes], values: weights },
    ],
    nodes: [
      { op: 'Reshape', inputs: ['pixel_values', 'flat'], outputs: ['features'] },
      { op: 'MatMul', inputs: ['features', 'weights'], outputs: ['logits'] },
      ...(options.softmax ? [{ op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], intAttributes: { axis: 1 } }] : []),
    ],
  });
  fs.writeFileSync(file, model);
}
