// Opens an ONNX model with onnxruntime-node and describes its inputs and outputs as read from the model itself.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { MiaError } from '../../common/errors';
import { regularFileSize } from '../../common/regular-file';
import { timeStageAsync } from '../profiling/stage-timer';
import type { ExecutionProviderName } from './execution-provider-request';
import { notOnnxError, resolveExternalData, type ExternalDataFile } from './onnx-external-data';

/** One dimension of a tensor: a fixed size, or the name of a symbolic (free) dimension such as "batch". */
export type TensorDim = number | string;

export interface TensorInfo {
  readonly name: string;
  /** ONNX Runtime's element type name: 'float32', 'int64', … */
  readonly dtype: string;
  /** Empty when the model does not declare a shape. */
  readonly shape: readonly TensorDim[];
}

export interface SessionOptions {
  /** Threads for one operator; the engine host runs several workers, so the default stays small. */
  readonly intraOpNumThreads?: number;
  /** ONNX Runtime's graph rewrites before the first run; 'all' unless set (bench/ compares the levels). */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Chosen once per run by selectExecutionProvider (execution-provider.ts), which checked it can open here; cpu unless set. */
  readonly executionProvider?: ExecutionProviderName;
}

export const defaultIntraOpThreads = 1;

export interface OnnxModel {
  readonly file: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** The files its tensors' bytes are read from besides `file` (checked to lie inside its folder). */
  readonly externalData: readonly ExternalDataFile[];
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

export async function openOnnxModel(file: string, options: SessionOptions = {}): Promise<OnnxModel> {
  const absolute = path.resolve(file);
  // A FIFO or a device would block or never end when read: model.not-a-file (or model.file-missing) first.
  regularFileSize(absolute, { domain: 'model', subject: `Model file ${absolute}` });
  // Before ONNX Runtime sees the model, so a weight file outside its folder gets its own code, not "not ONNX".
  const externalData = resolveExternalData(absolute);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(absolute, {
      intraOpNumThreads: options.intraOpNumThreads ?? defaultIntraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      executionMode: 'sequential',
      executionProviders: [options.executionProvider ?? 'cpu'],
    });
  } catch (error) {
    // ONNX Runtime says "protobuf parsing failed" for anything that is not a model; keep its words in details.
    throw notOnnxError(absolute, (error as Error).message);
  }
  const inputs = session.inputMetadata.map(describeValue);
  const outputs = session.outputMetadata.map(describeValue);
  let released = false;
  return {
    file: absolute,
    inputs,
    outputs,
    externalData,
    async run(feeds) {
      if (released) throw new MiaError('model.released', `The session for ${absolute} was already closed.`);
      try {
        return (await timeStageAsync('model', () => session.run(feeds))) as Record<string, ort.Tensor>;
      } catch (error) {
        // Out of memory, a shape the graph cannot take, a failing kernel: the runtime's own words say which.
        const cause = error instanceof Error ? error.message : String(error);
        throw new MiaError('model.runtime-failed', `${path.basename(absolute)} failed in ONNX Runtime while computing a batch: ${cause}`, {
          file: absolute,
          cause,
        });
      }
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}

function describeValue(meta: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, dtype: 'non-tensor', shape: [] };
  return { name: meta.name, dtype: meta.type, shape: [...meta.shape] };
}

/** "[batch, 1, 28, 28] float32" — how an input is named in error messages. */
export function formatTensorInfo(info: TensorInfo): string {
  return `${info.name} [${info.shape.join(', ')}] ${info.dtype}`;
}

/** A dimension is fixed when the model says a positive number; symbolic names and -1/0 accept any size. */
export function fixedDim(dim: TensorDim | undefined): number | null {
  return typeof dim === 'number' && dim > 0 ? dim : null;
}
