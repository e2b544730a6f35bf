// Moves tensors between ONNX Runtime's Tensor (what the adapters speak) and the KServe v2 tensors on the wire.
// FP16 travels as float32 inside the workbench: the adapters build and read float32, and Node 20 has no Float16Array.
import * as ort from 'onnxruntime-node';
import { MiaError } from '../../common/errors';
import { ortDtypeOf, type KserveDatatype, type TensorValues } from './kserve-v2-datatypes';
import type { KserveTensor } from './kserve-v2-codec';

/** The ONNX Runtime element type the workbench uses for a v2 datatype: FP16 is carried as 'float32'. */
export function workbenchDtypeOf(datatype: KserveDatatype): string {
  return datatype === 'FP16' ? 'float32' : ortDtypeOf(datatype);
}

/** A feed as a v2 input of the datatype the server's metadata declares; `what` names the model in errors. */
export function feedToKserve(name: string, feed: ort.Tensor, datatype: KserveDatatype, what: string): KserveTensor {
  const expected = workbenchDtypeOf(datatype);
  if (feed.type !== expected) {
    throw new MiaError(
      'model.bad-input',
      `${what}: input "${name}" was given ${feed.type} values; the server declares ${datatype}, which takes ${expected}.`,
    );
  }
  return { name, datatype, shape: feed.dims.map(Number), data: feed.data as TensorValues };
}

/** A checked v2 output as an ONNX Runtime tensor. */
export function kserveToOrt(tensor: KserveTensor): ort.Tensor {
  const type = workbenchDtypeOf(tensor.datatype) as ort.Tensor.Type;
  return new ort.Tensor(type, tensor.data as ort.Tensor.DataType, [...tensor.shape]);
}

/** NaN or ±Infinity in a response is never scored: the first one found is reported with its output and position. */
export function firstNonFinite(values: TensorValues): { index: number; value: number } | null {
  if (!(values instanceof Float32Array || values instanceof Float64Array)) return null;
  for (let i = 0; i < values.length; i += 1) {
    if (!Number.isFinite(values[i])) return { index: i, value: values[i]! };
  }
  return null;
}
