// Builds input tensors in the element type a model asks for and reads outputs back as floats.
import * as ort from 'onnxruntime-node';
import { MiaError } from '../../common/errors';

export type NumericSource = ArrayLike<number>;

/** Makes a tensor of `dtype` from plain numbers; int64 inputs need BigInt64Array in Node. */
export function makeTensor(dtype: string, values: NumericSource, dims: readonly number[], what: string): ort.Tensor {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new MiaError('model.bad-input', `${what}: expected ${count} values for shape [${dims.join(', ')}], got ${values.length}.`);
  }
  switch (dtype) {
    case 'float32':
      return new ort.Tensor('float32', values instanceof Float32Array ? values : Float32Array.from(values), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(values), dims);
    case 'int64': {
      const data = new BigInt64Array(count);
      for (let i = 0; i < count; i += 1) data[i] = BigInt(Math.round(values[i] as number));
      return new ort.Tensor('int64', data, dims);
    }
    case 'int32':
      return new ort.Tensor(
        'int32',
        Int32Array.from(values, (v) => Math.round(v)),
        dims,
      );
    default:
      throw new MiaError(
        'model.unsupported-dtype',
        `${what}: the model wants ${dtype} values; the workbench feeds float32, float64, int32 or int64.`,
      );
  }
}

/** Output values as float32 (copied only when the model's type is not float32 already). */
export function tensorToFloat32(tensor: ort.Tensor, what: string): Float32Array {
  const data = tensor.data;
  if (data instanceof Float32Array) return data;
  if (data instanceof Float64Array || data instanceof Int32Array) return Float32Array.from(data);
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  throw new MiaError(
    'model.unsupported-dtype',
    `${what}: the model returned ${tensor.type} values; the workbench reads float32, float64, int32 or int64.`,
  );
}
