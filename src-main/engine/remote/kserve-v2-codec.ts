// Encodes and decodes KServe v2 inference requests and responses, with JSON or Triton binary tensor data. One
// implementation serves both directions: the client encodes requests and decodes responses, `mia serve` decodes
// requests and encodes responses, and both use encodeMessage/decodeMessage below.
import type { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import type { KserveDatatype, TensorValues } from './kserve-v2-datatypes';
import {
  WireInferRequestSchema,
  WireInferResponseSchema,
  type KserveParameters,
  type RequestedOutput,
  type WireTensor,
} from './kserve-v2-messages';
import { checkValues, elementCount, valuesFromBinary, valuesFromJson, valuesToBinary, valuesToJson } from './kserve-v2-tensor-data';

/** HTTP header giving the length of the JSON part when binary tensor data follows it. */
export const inferenceHeaderLengthHeader = 'Inference-Header-Content-Length';
/** The extension name a server lists in `GET /v2` when it accepts and sends binary tensor data. */
export const binaryTensorDataExtension = 'binary_tensor_data';

export interface KserveTensor {
  readonly name: string;
  readonly datatype: KserveDatatype;
  readonly shape: readonly number[];
  /** Flat, row-major. */
  readonly data: TensorValues;
  /** Without `binary_data_size`, which is a detail of the wire. */
  readonly parameters?: KserveParameters;
}

export interface InferRequest {
  readonly id?: string;
  readonly parameters?: KserveParameters;
  readonly inputs: readonly KserveTensor[];
  readonly outputs?: readonly RequestedOutput[];
}

export interface InferResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: KserveParameters;
  readonly outputs: readonly KserveTensor[];
}

export interface EncodedMessage {
  readonly body: Buffer;
  /** `Content-Type`, and `Inference-Header-Content-Length` when binary tensor data follows the JSON. */
  readonly headers: Record<string, string>;
}

/** Client side: `binaryInputs` sends every input as binary data (only to servers that advertise the extension). */
export function encodeRequest(request: InferRequest, options: { binaryInputs: boolean }): EncodedMessage {
  const { inputs, ...rest } = request;
  return encodeMessage(rest, 'inputs', inputs, () => options.binaryInputs);
}

/** Server side: `headerLength` is the raw `Inference-Header-Content-Length` value, undefined when absent. */
export function decodeRequest(body: Buffer, headerLength: string | undefined): InferRequest {
  const { message, tensors } = decodeMessage(
    body,
    headerLength,
    WireInferRequestSchema,
    'inputs',
    'remote.bad-request',
    'The inference request',
  );
  return { ...message, inputs: tensors };
}

/** Server side: `binaryOutput(name)` says which outputs the request asked for as binary data (see wantsBinaryOutput). */
export function encodeResponse(response: InferResponse, binaryOutput: (name: string) => boolean): EncodedMessage {
  const { outputs, ...rest } = response;
  return encodeMessage(rest, 'outputs', outputs, binaryOutput);
}

/** Client side: a response that does not fit the protocol is `remote.bad-response`, naming the output. */
export function decodeResponse(body: Buffer, headerLength: string | undefined): InferResponse {
  const { message, tensors } = decodeMessage(
    body,
    headerLength,
    WireInferResponseSchema,
    'outputs',
    'remote.bad-response',
    'The inference response',
  );
  return { ...message, outputs: tensors };
}

/** Whether a request asked for output `name` as binary data: per output, or for all with `binary_data_output`. */
export function wantsBinaryOutput(request: InferRequest, name: string): boolean {
  const requested = request.outputs?.find((output) => output.name === name);
  const own = requested?.parameters?.['binary_data'];
  if (typeof own === 'boolean') return own;
  return request.parameters?.['binary_data_output'] === true;
}

function encodeMessage(
  rest: object,
  key: 'inputs' | 'outputs',
  tensors: readonly KserveTensor[],
  binary: (name: string) => boolean,
): EncodedMessage {
  const sections: Buffer[] = [];
  const wire: WireTensor[] = tensors.map((tensor) => {
    const describe = `${key === 'inputs' ? 'Input' : 'Output'} "${tensor.name}"`;
    checkValues(tensor.datatype, tensor.data, elementCount(tensor.shape, describe, 'remote.bad-tensor'), describe);
    const base = { name: tensor.name, shape: [...tensor.shape], datatype: tensor.datatype };
    if (!binary(tensor.name)) {
      const data = valuesToJson(tensor.datatype, tensor.data, describe);
      return tensor.parameters ? { ...base, parameters: tensor.parameters, data } : { ...base, data };
    }
    const bytes = valuesToBinary(tensor.datatype, tensor.data);
    sections.push(bytes);
    return { ...base, parameters: { ...tensor.parameters, binary_data_size: bytes.length } };
  });
  const header = Buffer.from(JSON.stringify({ ...rest, [key]: wire }), 'utf8');
  if (sections.length === 0) return { body: header, headers: { 'Content-Type': 'application/json' } };
  return {
    body: Buffer.concat([header, ...sections]),
    headers: { 'Content-Type': 'application/octet-stream', [inferenceHeaderLengthHeader]: String(header.length) },
  };
}

function decodeMessage<S extends z.ZodType<{ [k: string]: unknown }>>(
  body: Buffer,
  headerLength: string | undefined,
  schema: S,
  key: 'inputs' | 'outputs',
  code: string,
  what: string,
): { message: Omit<z.output<S>, 'inputs' | 'outputs'>; tensors: KserveTensor[] } {
  let jsonEnd = body.length;
  if (headerLength !== undefined) {
    const trimmed = headerLength.trim();
    if (!/^\d+$/.test(trimmed) || Number(trimmed) > body.length) {
      throw new MiaError(
        code,
        `${what} has ${inferenceHeaderLengthHeader}: ${JSON.stringify(headerLength)}; expected a whole number of bytes up to the body's ${body.length}.`,
      );
    }
    jsonEnd = Number(trimmed);
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8', 0, jsonEnd));
  } catch (error) {
    throw new MiaError(code, `${what} is not JSON: ${(error as Error).message}`);
  }
  const parsed = parseWith(schema, json, what, code) as { [k: string]: unknown };
  const wire = (parsed[key] ?? []) as WireTensor[];
  const binary = body.subarray(jsonEnd);
  let offset = 0;
  const tensors = wire.map((tensor): KserveTensor => {
    const describe = `${what}'s ${key === 'inputs' ? 'input' : 'output'} "${tensor.name}"`;
    const count = elementCount(tensor.shape, describe, code);
    const { binary_data_size: size, ...parameters } = tensor.parameters ?? {};
    let data: TensorValues;
    if (size === undefined) {
      if (tensor.data === undefined) throw new MiaError(code, `${describe} has neither data nor binary_data_size.`);
      data = valuesFromJson(tensor.datatype, tensor.data, count, describe, code);
    } else {
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
        throw new MiaError(code, `${describe} has binary_data_size ${JSON.stringify(size)}; expected a whole number of bytes.`);
      }
      if (tensor.data !== undefined) throw new MiaError(code, `${describe} has both data and binary_data_size.`);
      if (offset + size > binary.length) {
        throw new MiaError(code, `${describe} needs ${size} bytes of binary data but only ${binary.length - offset} follow the JSON.`);
      }
      data = valuesFromBinary(tensor.datatype, binary.subarray(offset, offset + size), count, describe, code);
      offset += size;
    }
    const base = { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, data };
    return Object.keys(parameters).length > 0 ? { ...base, parameters } : base;
  });
  if (offset !== binary.length) {
    throw new MiaError(code, `${what} has ${binary.length - offset} bytes after its JSON that no tensor's binary_data_size accounts for.`);
  }
  const { [key]: _tensors, ...message } = parsed;
  return { message: message as Omit<z.output<S>, 'inputs' | 'outputs'>, tensors };
}
