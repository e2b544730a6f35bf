// Converts one KServe v2 tensor's values between the workbench's typed arrays and the two wire forms: JSON `data`
// (flat or nested row-major lists) and Triton's binary tensor data (raw little-endian elements; BYTES elements each
// behind a 4-byte little-endian length).
import os from 'node:os';
import { MiaError } from '../../common/errors';
import {
  allocateValues,
  binaryElementSize,
  floatToHalf,
  halfToFloat,
  valuesFitDatatype,
  type KserveDatatype,
  type TensorValues,
} from './kserve-v2-datatypes';

/** A tensor that big is no audit batch; refusing it before allocating keeps a hostile shape from exhausting memory. */
export const maxTensorElements = 1 << 28;

/** Elements a shape holds; `describe` names the tensor in the error when the shape is too large. */
export function elementCount(shape: readonly number[], describe: string, code: string): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  if (!Number.isSafeInteger(count) || count > maxTensorElements) {
    throw new MiaError(code, `${describe}: shape [${shape.join(', ')}] holds more than ${maxTensorElements} elements.`);
  }
  return count;
}

const integerRanges: Partial<Record<KserveDatatype, readonly [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Reads JSON `data` (any nesting) into a typed array of `count` elements, naming the first element that does not fit. */
export function valuesFromJson(datatype: KserveDatatype, data: unknown, count: number, describe: string, code: string): TensorValues {
  const flat: unknown[] = [];
  flatten(data, flat, count, describe, code);
  if (flat.length !== count) {
    throw new MiaError(code, `${describe}: its shape holds ${count} elements but its data has ${flat.length}.`);
  }
  const values = allocateValues(datatype, count);
  for (let i = 0; i < count; i += 1) {
    const element = flat[i];
    const bad = (expected: string): MiaError =>
      new MiaError(
        code,
        `${describe}: element ${i} is ${JSON.stringify(element) ?? String(element)}; ${datatype} data must be ${expected}.`,
      );
    if (datatype === 'BYTES') {
      if (typeof element !== 'string') throw bad('strings');
      (values as string[])[i] = element;
    } else if (datatype === 'BOOL') {
      if (typeof element !== 'boolean') throw bad('true or false');
      (values as Uint8Array)[i] = element ? 1 : 0;
    } else if (datatype === 'FP16' || datatype === 'FP32' || datatype === 'FP64') {
      // JSON.parse never yields NaN or Infinity; a null or a string ("NaN") in their place is refused here.
      if (typeof element !== 'number' || !Number.isFinite(element)) throw bad('finite numbers');
      (values as Float32Array)[i] = element;
    } else {
      const [low, high] = integerRanges[datatype]!;
      if (typeof element !== 'number' || !Number.isInteger(element) || element < low || element > high) {
        throw bad(`integers from ${low} to ${high}`);
      }
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) values[i] = BigInt(element);
      else (values as Int32Array)[i] = element;
    }
  }
  return values;
}

function flatten(data: unknown, into: unknown[], limit: number, describe: string, code: string): void {
  if (!Array.isArray(data)) {
    into.push(data);
    return;
  }
  for (const item of data) {
    // Stop early on a list far longer than the shape, before it is all copied.
    if (into.length > limit) throw new MiaError(code, `${describe}: its data has more than the ${limit} elements its shape holds.`);
    flatten(item, into, limit, describe, code);
  }
}

/** JSON `data` for typed values: a flat row-major list, the form every server accepts. */
export function valuesToJson(datatype: KserveDatatype, values: TensorValues, describe: string): unknown[] {
  const out: unknown[] = new Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i]!;
    if (typeof value === 'bigint') {
      out[i] = Number(value);
    } else if (datatype === 'BOOL') {
      out[i] = value !== 0;
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      // JSON.stringify would silently write null; JSON cannot carry NaN or Infinity at all.
      throw new MiaError('remote.bad-tensor', `${describe}: element ${i} is ${value}, which JSON cannot carry.`);
    } else {
      out[i] = value;
    }
  }
  return out;
}

function requireLittleEndian(): void {
  if (os.endianness() !== 'LE') {
    throw new MiaError('remote.big-endian-host', 'Binary tensor data is little-endian; this machine is big-endian. Use JSON tensors.');
  }
}

/** The raw little-endian bytes of typed values, as Triton's binary tensor data extension sends them. */
export function valuesToBinary(datatype: KserveDatatype, values: TensorValues): Buffer {
  requireLittleEndian();
  if (Array.isArray(values)) {
    const parts: Buffer[] = [];
    for (const text of values) {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      parts.push(length, bytes);
    }
    return Buffer.concat(parts);
  }
  if (datatype === 'FP16') return Buffer.from(Uint16Array.from(values as Float32Array, floatToHalf).buffer);
  if (datatype === 'BOOL') return Buffer.from(Uint8Array.from(values as Uint8Array, (v) => (v ? 1 : 0)));
  return Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

/** Reads `count` elements from raw bytes, which must be exactly the tensor's size. */
export function valuesFromBinary(datatype: KserveDatatype, bytes: Buffer, count: number, describe: string, code: string): TensorValues {
  requireLittleEndian();
  const size = binaryElementSize(datatype);
  if (size === null) return stringsFromBinary(bytes, count, describe, code);
  if (bytes.length !== size * count) {
    throw new MiaError(code, `${describe}: binary_data_size is ${bytes.length} bytes; ${count} ${datatype} elements take ${size * count}.`);
  }
  // A copy: the body's buffer is rarely aligned to the element size, and typed arrays need that.
  const copy = new Uint8Array(bytes).buffer;
  switch (datatype) {
    case 'FP16':
      return Float32Array.from(new Uint16Array(copy), halfToFloat);
    case 'BOOL':
      return Uint8Array.from(new Uint8Array(copy), (v) => (v ? 1 : 0));
    default: {
      const empty = allocateValues(datatype, 0);
      const View = empty.constructor as new (buffer: ArrayBuffer) => TensorValues;
      return new View(copy);
    }
  }
}

function stringsFromBinary(bytes: Buffer, count: number, describe: string, code: string): string[] {
  const out: string[] = [];
  let offset = 0;
  for (let i = 0; i < count; i += 1) {
    if (offset + 4 > bytes.length) throw new MiaError(code, `${describe}: binary data ends before BYTES element ${i}.`);
    const length = bytes.readUInt32LE(offset);
    offset += 4;
    if (offset + length > bytes.length) throw new MiaError(code, `${describe}: BYTES element ${i} runs past the binary data.`);
    out.push(bytes.toString('utf8', offset, offset + length));
    offset += length;
  }
  if (offset !== bytes.length) throw new MiaError(code, `${describe}: ${bytes.length - offset} bytes follow its ${count} BYTES elements.`);
  return out;
}

/** Checks that values are of the right array type and count before they are encoded. */
export function checkValues(datatype: KserveDatatype, values: TensorValues, count: number, describe: string): void {
  if (!valuesFitDatatype(datatype, values)) {
    throw new MiaError('remote.bad-tensor', `${describe}: ${datatype} values cannot be held in a ${values.constructor.name}.`);
  }
  if (values.length !== count) {
    throw new MiaError('remote.bad-tensor', `${describe}: its shape holds ${count} elements but ${values.length} were given.`);
  }
}
