// Finds the external data files of an ONNX model (tensors whose bytes live beside the .onnx file) and checks that
// each stays inside the model's folder, so they can be hashed with the model and a reference that leaves the folder
// is refused with its own code instead of ONNX Runtime's generic load failure.
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { messageFields, ProtobufFormatError, withFileWindow, wireType, type FileWindow } from './protobuf-reader';

export interface ExternalDataFile {
  /** Relative to the model's folder, with "/" separators and nothing like "./" left: "weights.bin", "data/w0.bin". */
  readonly location: string;
  /** Absolute path. */
  readonly path: string;
}

// Field numbers of onnx.proto3 on the way from a ModelProto to every TensorProto (initializers, sparse
// initializers, tensors in node attributes, and the same inside subgraphs, training graphs and functions).
const model = { graph: 7, trainingInfo: 20, functions: 25 };
const trainingInfo = { initialization: 1, algorithm: 2 };
const functionProto = { node: 7 };
const graph = { node: 1, initializer: 5, sparseInitializer: 15 };
const node = { attribute: 5 };
const attribute = { tensor: 5, graph: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 };
const sparseTensor = { values: 1, indices: 2 };
const tensor = { externalData: 13, dataLocation: 14 };
const dataLocationExternal = 1n;
const entry = { key: 1, value: 2 };

/** Protobuf's own default recursion limit; real models nest subgraphs a few levels at most. */
const maxDepth = 100;
/** An external data key or value longer than this is not a file name. */
const maxEntryBytes = 4096;

type Kind = 'model' | 'trainingInfo' | 'function' | 'graph' | 'node' | 'attribute' | 'sparseTensor' | 'tensor';

/** Which fields of each message lead further down towards tensors. */
const children: Record<Exclude<Kind, 'tensor'>, Record<number, Kind>> = {
  model: { [model.graph]: 'graph', [model.trainingInfo]: 'trainingInfo', [model.functions]: 'function' },
  trainingInfo: { [trainingInfo.initialization]: 'graph', [trainingInfo.algorithm]: 'graph' },
  function: { [functionProto.node]: 'node' },
  graph: { [graph.node]: 'node', [graph.initializer]: 'tensor', [graph.sparseInitializer]: 'sparseTensor' },
  node: { [node.attribute]: 'attribute' },
  attribute: {
    [attribute.tensor]: 'tensor',
    [attribute.graph]: 'graph',
    [attribute.tensors]: 'tensor',
    [attribute.graphs]: 'graph',
    [attribute.sparseTensor]: 'sparseTensor',
    [attribute.sparseTensors]: 'sparseTensor',
  },
  sparseTensor: { [sparseTensor.values]: 'tensor', [sparseTensor.indices]: 'tensor' },
};

function externalLocationOf(source: FileWindow, start: number, end: number): string | null {
  let external = false;
  let location: string | null = null;
  for (const field of messageFields(source, start, end)) {
    if (field.number === tensor.dataLocation && field.wireType === wireType.varint) external = field.value === dataLocationExternal;
    if (field.number !== tensor.externalData || field.wireType !== wireType.lengthDelimited) continue;
    let key: string | null = null;
    let value: string | null = null;
    for (const part of messageFields(source, field.start, field.end)) {
      if (part.wireType !== wireType.lengthDelimited) continue;
      if (part.end - part.start > maxEntryBytes)
        throw new ProtobufFormatError(`an external data entry at byte ${part.start} is ${part.end - part.start} bytes long`);
      if (part.number === entry.key) key = source.bytes(part.start, part.end).toString('utf8');
      if (part.number === entry.value) value = source.bytes(part.start, part.end).toString('utf8');
    }
    if (key === 'location') location = value;
  }
  return external ? location : null;
}

function collect(source: FileWindow, kind: Kind, start: number, end: number, depth: number, found: Set<string>): void {
  if (depth > maxDepth) throw new ProtobufFormatError(`messages are nested more than ${maxDepth} levels deep`);
  if (kind === 'tensor') {
    const location = externalLocationOf(source, start, end);
    if (location !== null) found.add(location);
    return;
  }
  const next = children[kind];
  for (const field of messageFields(source, start, end)) {
    const child = next[field.number];
    if (child === undefined) continue;
    if (field.wireType !== wireType.lengthDelimited)
      throw new ProtobufFormatError(`field ${field.number} of a ${kind} at byte ${field.start} is not a message`);
    collect(source, child, field.start, field.end, depth + 1, found);
  }
}

/** The `location` of every tensor stored outside the model file, as written in the model, each once. */
export function externalDataLocations(modelFile: string): string[] {
  const found = new Set<string>();
  withFileWindow(modelFile, (source) => collect(source, 'model', 0, source.size, 0, found));
  return [...found];
}

/** model.not-onnx: one wording for "these bytes are not an ONNX model", whoever finds out first. */
export function notOnnxError(modelFile: string, cause: string): MiaError {
  return new MiaError(
    'model.not-onnx',
    `${path.basename(modelFile)} could not be loaded as an ONNX model (${modelFile}). Export the model to ONNX (opset 17 or similar) and import that file.`,
    { file: modelFile, cause },
  );
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The external data files of `modelFile` (absolute), sorted by location. Each must be a regular file inside the
 * model's folder, also after following symbolic links, as ONNX Runtime requires: anything else is refused here,
 * naming the model and the reference, before ONNX Runtime or a hash reads it.
 */
export function resolveExternalData(modelFile: string): ExternalDataFile[] {
  let locations: string[];
  try {
    locations = externalDataLocations(modelFile);
  } catch (error) {
    if (error instanceof ProtobufFormatError) throw notOnnxError(modelFile, error.message);
    throw error;
  }
  const folder = path.dirname(modelFile);
  const files = new Map<string, string>();
  for (const location of locations) {
    // JSON quoting shows control or invisible characters in a hostile location as escapes, not as themselves.
    const quoted = JSON.stringify(location);
    const outside = () =>
      new MiaError(
        'model.external-data-outside',
        `${path.basename(modelFile)} keeps weights in ${quoted}, which is outside the model's folder ${folder}. Keep external data files in the model's folder (or below it) and import the model again.`,
        { file: modelFile, location },
      );
    // No file name holds a NUL; the file system calls below would throw a TypeError instead of refusing it.
    if (location.includes('\0')) throw notOnnxError(modelFile, `the external data location ${quoted} holds a NUL character`);
    const resolved = path.resolve(folder, location);
    if (path.isAbsolute(location) || !isInside(folder, resolved)) throw outside();
    let stat: fs.Stats;
    try {
      stat = fs.statSync(resolved);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new MiaError(
          'model.file-unreadable',
          `${path.basename(modelFile)} keeps weights in ${quoted}, and ${resolved} cannot be read (${(error as Error).message}).`,
          { file: resolved, location },
        );
      }
      throw new MiaError('model.file-missing', `${path.basename(modelFile)} keeps weights in ${quoted}, and ${resolved} does not exist.`, {
        file: resolved,
        location,
      });
    }
    // ONNX Runtime follows symbolic links and refuses targets outside the folder; refuse them here with our code.
    if (!isInside(fs.realpathSync(folder), fs.realpathSync(resolved))) throw outside();
    if (!stat.isFile()) {
      throw new MiaError(
        'model.not-a-file',
        `${path.basename(modelFile)} keeps weights in ${quoted}, and ${resolved} is not a regular file.`,
        { file: resolved, location },
      );
    }
    files.set(path.relative(folder, resolved).split(path.sep).join('/'), resolved);
  }
  return [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([location, file]) => ({ location, path: file }));
}
