// The Open Inference Protocol's (KServe v2) tensor datatypes: their element sizes on the binary wire, the typed
// arrays the workbench holds them in, and their names in ONNX Runtime.
import { z } from 'zod';

export const kserveDatatypes = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

export const KserveDatatypeSchema = z.enum(kserveDatatypes);
export type KserveDatatype = z.infer<typeof KserveDatatypeSchema>;

/**
 * Values of one tensor, flat in row-major order. BOOL is held as 0/1 bytes, FP16 as float32 (Node 20 has no
 * Float16Array, and every consumer computes in float32 anyway), 64-bit integers as BigInt arrays, BYTES as strings.
 */
export type TensorValues =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | string[];

const ortNames: Record<KserveDatatype, string> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

/** ONNX Runtime's element type name for a v2 datatype ('FP32' → 'float32'). */
export function ortDtypeOf(datatype: KserveDatatype): string {
  return ortNames[datatype];
}

/** The v2 datatype for an ONNX Runtime element type, or null when the protocol has none (e.g. 'complex64'). */
export function kserveDatatypeOfOrt(dtype: string): KserveDatatype | null {
  const found = kserveDatatypes.find((datatype) => ortNames[datatype] === dtype);
  return found ?? null;
}

/** Bytes per element on the binary wire; BYTES elements carry their own 4-byte length prefix instead. */
export function binaryElementSize(datatype: KserveDatatype): number | null {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
    case 'INT8':
      return 1;
    case 'UINT16':
    case 'INT16':
    case 'FP16':
      return 2;
    case 'UINT32':
    case 'INT32':
    case 'FP32':
      return 4;
    case 'UINT64':
    case 'INT64':
    case 'FP64':
      return 8;
    case 'BYTES':
      return null;
  }
}

/** An empty array of the type that holds `datatype`'s values. */
export function allocateValues(datatype: KserveDatatype, count: number): TensorValues {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
      return new Uint8Array(count);
    case 'UINT16':
      return new Uint16Array(count);
    case 'UINT32':
      return new Uint32Array(count);
    case 'UINT64':
      return new BigUint64Array(count);
    case 'INT8':
      return new Int8Array(count);
    case 'INT16':
      return new Int16Array(count);
    case 'INT32':
      return new Int32Array(count);
    case 'INT64':
      return new BigInt64Array(count);
    case 'FP16':
    case 'FP32':
      return new Float32Array(count);
    case 'FP64':
      return new Float64Array(count);
    case 'BYTES':
      return new Array<string>(count).fill('');
  }
}

/** Whether `values` is the array type that holds `datatype` (a float32 array is no INT64 tensor). */
export function valuesFitDatatype(datatype: KserveDatatype, values: TensorValues): boolean {
  const expected = allocateValues(datatype, 0);
  if (Array.isArray(expected)) return Array.isArray(values);
  return !Array.isArray(values) && Object.getPrototypeOf(values) === Object.getPrototypeOf(expected);
}

/** IEEE 754 half → float32 value, including subnormals, infinities and NaN. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** float → IEEE 754 half bits, rounding to nearest even; too large becomes ±Infinity. */
export function floatToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= 65520) return sign | 0x7c00;
  if (magnitude < 2 ** -14) return sign | roundHalfEven(magnitude / 2 ** -24);
  const exponent = Math.floor(Math.log2(magnitude));
  const mantissa = roundHalfEven((magnitude / 2 ** exponent - 1) * 1024);
  // A mantissa that rounds up to 1024 carries into the exponent, which the bit layout does by itself.
  return sign | (((exponent + 15) << 10) + mantissa);
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5 || (rest === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}
