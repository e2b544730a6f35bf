// The KServe v2 protocol module against the specification's examples, in both directions and both encodings.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { floatToHalf, halfToFloat } from '../../../src-main/engine/remote/kserve-v2-datatypes';
import {
  ErrorBodySchema,
  ModelMetadataSchema,
  ServerMetadataSchema,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  inferenceHeaderLengthHeader,
  kservePaths,
  ortDtypeOf,
  parseKservePath,
  wantsBinaryOutput,
  type InferRequest,
  type InferResponse,
} from '../../../src-main/engine/remote/kserve-v2-protocol';
import { repoRoot } from '../../helpers/temp-dir';

const fixtures = path.join(repoRoot, 'tests', 'fixtures', 'kserve-v2');
const fixtureText = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8');
const fixtureJson = (name: string): unknown => JSON.parse(fixtureText(name));
const bodyOf = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function codeOf(work: () => unknown): { code: string; message: string } | undefined {
  try {
    work();
  } catch (error) {
    if (isMiaError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

describe('KServe v2 metadata', () => {
  it('parses the server and model metadata examples', () => {
    const server = ServerMetadataSchema.parse(fixtureJson('server-metadata.json'));
    expect(server.extensions).toContain('binary_tensor_data');
    const model = ModelMetadataSchema.parse(fixtureJson('model-metadata.json'));
    expect(model.inputs.map((input) => [input.name, input.datatype, input.shape])).toEqual([
      ['input0', 'UINT32', [-1, 2]],
      ['input1', 'BOOL', [3]],
    ]);
    expect(ErrorBodySchema.parse(fixtureJson('error.json')).error).toContain('input9');
  });

  it('refuses model metadata with an unknown datatype or a dimension below -1', () => {
    const model = fixtureJson('model-metadata.json') as { inputs: { datatype: string; shape: number[] }[] };
    expect(ModelMetadataSchema.safeParse({ ...model, inputs: [{ ...model.inputs[0], datatype: 'FP8' }] }).success).toBe(false);
    expect(ModelMetadataSchema.safeParse({ ...model, inputs: [{ ...model.inputs[0], shape: [-2, 2] }] }).success).toBe(false);
  });

  it('maps every datatype to its ONNX Runtime name', () => {
    expect(ortDtypeOf('FP32')).toBe('float32');
    expect(ortDtypeOf('INT64')).toBe('int64');
    expect(ortDtypeOf('BOOL')).toBe('bool');
    expect(ortDtypeOf('FP16')).toBe('float16');
  });
});

describe('FP16', () => {
  it('round-trips every half-precision bit pattern but NaN', () => {
    for (let bits = 0; bits < 0x10000; bits += 1) {
      const value = halfToFloat(bits);
      if (!Number.isNaN(value)) expect(floatToHalf(value)).toBe(bits);
    }
  });

  it('rounds to nearest even, overflows to Infinity and keeps subnormals', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(65519)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(-1e9)).toBe(0xfc00);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(2 ** -26)).toBe(0x0000);
    expect(Number.isNaN(halfToFloat(floatToHalf(Number.NaN)))).toBe(true);
  });
});

describe('KServe v2 paths', () => {
  it('builds and matches model paths, versions and percent-encoded names', () => {
    expect(kservePaths.infer('my model', '2')).toBe('/v2/models/my%20model/versions/2/infer');
    expect(parseKservePath('/v2/models/my%20model/versions/2/infer')).toEqual({ kind: 'infer', model: 'my model', version: '2' });
    expect(parseKservePath(kservePaths.modelReady('m'))).toEqual({ kind: 'model-ready', model: 'm' });
    expect(parseKservePath('/v2/models/m')).toEqual({ kind: 'model-metadata', model: 'm' });
    expect(parseKservePath('/v2/health/ready')).toEqual({ kind: 'server-ready' });
    expect(parseKservePath('/v2/models/%E0%A4%A/infer')).toBeNull();
    expect(parseKservePath('/v1/models/m:predict')).toBeNull();
  });
});

describe('KServe v2 JSON tensors', () => {
  it('decodes the request example, flat and nested alike', () => {
    const flat = decodeRequest(Buffer.from(fixtureText('infer-request.json')), undefined);
    const nested = decodeRequest(Buffer.from(fixtureText('infer-request-nested.json')), undefined);
    expect(flat.id).toBe('42');
    expect(flat.inputs[0]!.data).toEqual(new Uint32Array([1, 2, 3, 4]));
    expect(flat.inputs[1]!.data).toEqual(new Uint8Array([1, 0, 1]));
    expect(nested).toEqual(flat);
  });

  it('refuses the one-value BOOL input for shape [3] as printed in the specification', () => {
    const request = fixtureJson('infer-request.json') as { inputs: { data: unknown }[] };
    request.inputs[1]!.data = [true];
    const failure = codeOf(() => decodeRequest(bodyOf(request), undefined));
    expect(failure?.code).toBe('remote.bad-request');
    expect(failure?.message).toMatch(/input "input1".*3 elements.*has 1/);
  });

  it('decodes the response example and names a short output', () => {
    const response = decodeResponse(Buffer.from(fixtureText('infer-response.json')), undefined);
    expect(response.model_name).toBe('mymodel');
    expect(Array.from(response.outputs[0]!.data as Float32Array)).toEqual(Array.from(new Float32Array([1.0, 1.1, 2.0, 2.1, 3.0, 3.1])));
    const short = fixtureJson('infer-response.json') as { outputs: { data: number[] }[] };
    short.outputs[0]!.data.pop();
    const failure = codeOf(() => decodeResponse(bodyOf(short), undefined));
    expect(failure?.code).toBe('remote.bad-response');
    expect(failure?.message).toContain('output "output0"');
  });

  it.each([
    ['null', null],
    ['a string', 'NaN'],
    ['a boolean', true],
    ['an object', { value: 1 }],
  ])('refuses %s in FP32 data', (_label, element) => {
    const response = fixtureJson('infer-response.json') as { outputs: { data: unknown[] }[] };
    response.outputs[0]!.data[2] = element;
    const failure = codeOf(() => decodeResponse(bodyOf(response), undefined));
    expect(failure?.code).toBe('remote.bad-response');
    expect(failure?.message).toMatch(/element 2 .*finite numbers/);
  });

  it('refuses a NaN literal, which is not JSON', () => {
    const text = fixtureText('infer-response.json').replace('2.1', 'NaN');
    expect(codeOf(() => decodeResponse(Buffer.from(text), undefined))?.code).toBe('remote.bad-response');
  });

  it('refuses integers out of range and an unknown datatype', () => {
    const request = fixtureJson('infer-request.json') as { inputs: { data: unknown[]; datatype: string }[] };
    request.inputs[0]!.data[0] = -1;
    expect(codeOf(() => decodeRequest(bodyOf(request), undefined))?.message).toMatch(/element 0 is -1; UINT32/);
    request.inputs[0]!.data[0] = 1;
    request.inputs[0]!.datatype = 'FP8';
    expect(codeOf(() => decodeRequest(bodyOf(request), undefined))?.message).toMatch(/inputs\.0\.datatype/);
  });

  it('round-trips every datatype through JSON', () => {
    const request: InferRequest = {
      id: 'r',
      inputs: [
        { name: 'b', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
        { name: 'u8', datatype: 'UINT8', shape: [2], data: new Uint8Array([0, 255]) },
        { name: 'i16', datatype: 'INT16', shape: [2], data: new Int16Array([-32768, 7]) },
        { name: 'i64', datatype: 'INT64', shape: [1, 2], data: new BigInt64Array([-5n, 9007199254740991n]) },
        { name: 'u64', datatype: 'UINT64', shape: [1], data: new BigUint64Array([12n]) },
        { name: 'h', datatype: 'FP16', shape: [2], data: new Float32Array([0.5, -2]) },
        { name: 'f', datatype: 'FP32', shape: [2], data: new Float32Array([0.25, -1e-3]) },
        { name: 'd', datatype: 'FP64', shape: [1], data: new Float64Array([Math.PI]) },
        { name: 's', datatype: 'BYTES', shape: [2], data: ['héllo', ''] },
      ],
      outputs: [{ name: 'out', parameters: { binary_data: false } }],
    };
    const encoded = encodeRequest(request, { binaryInputs: false });
    expect(encoded.headers[inferenceHeaderLengthHeader]).toBeUndefined();
    expect(decodeRequest(encoded.body, undefined)).toEqual(request);
  });

  it('refuses to encode NaN as JSON, or values of the wrong type or count', () => {
    const tensor = { name: 'x', datatype: 'FP32' as const, shape: [2], data: new Float32Array([1, Number.NaN]) };
    expect(codeOf(() => encodeRequest({ inputs: [tensor] }, { binaryInputs: false }))?.code).toBe('remote.bad-tensor');
    expect(codeOf(() => encodeRequest({ inputs: [{ ...tensor, data: new Float64Array(2) }] }, { binaryInputs: true }))?.code).toBe(
      'remote.bad-tensor',
    );
    expect(codeOf(() => encodeRequest({ inputs: [{ ...tensor, shape: [3] }] }, { binaryInputs: true }))?.message).toMatch(
      /3 elements but 2/,
    );
  });
});

describe('KServe v2 binary tensors', () => {
  const input0 = Buffer.from(new Uint32Array([1, 2, 3, 4]).buffer);
  const input1 = Buffer.from([1, 0, 1]);
  const outputBytes = Buffer.from(new Float32Array([1, 1.5, 2, 2.5, 3, 3.5]).buffer);

  it('decodes the extension request example and sees which outputs it wants as binary', () => {
    const header = Buffer.from(fixtureText('infer-request-binary-header.json'));
    const request = decodeRequest(Buffer.concat([header, input0, input1]), String(header.length));
    expect(request.inputs[0]!.data).toEqual(new Uint32Array([1, 2, 3, 4]));
    expect(request.inputs[1]!.data).toEqual(new Uint8Array([1, 0, 1]));
    expect(request.inputs[0]!.parameters).toBeUndefined();
    expect(wantsBinaryOutput(request, 'output0')).toBe(true);
    expect(wantsBinaryOutput(request, 'output1')).toBe(false);
  });

  it('decodes the extension response example, binary and JSON outputs side by side', () => {
    const header = Buffer.from(fixtureText('infer-response-binary-header.json'));
    const response = decodeResponse(Buffer.concat([header, outputBytes]), ` ${header.length} `);
    expect(response.outputs[0]!.data).toEqual(new Float32Array([1, 1.5, 2, 2.5, 3, 3.5]));
    expect(response.outputs[1]!.data).toEqual(new Int32Array([0, 1, 2, 3]));
  });

  it('round-trips requests and responses with mixed binary and JSON tensors', () => {
    const response: InferResponse = {
      model_name: 'm',
      model_version: '3',
      outputs: [
        { name: 'logits', datatype: 'FP32', shape: [2, 3], data: new Float32Array([0.1, 0.2, 0.3, -4, 5, 6]) },
        { name: 'half', datatype: 'FP16', shape: [3], data: new Float32Array([1, -0.000061035156, 65504]) },
        { name: 'ids', datatype: 'INT64', shape: [2], data: new BigInt64Array([3n, -1n]) },
        { name: 'words', datatype: 'BYTES', shape: [2], data: ['a', 'bc'] },
        { name: 'kept', datatype: 'BOOL', shape: [1], data: new Uint8Array([1]), parameters: { note: 'x' } },
      ],
    };
    const encoded = encodeResponse(response, (name) => name !== 'kept');
    expect(encoded.headers['Content-Type']).toBe('application/octet-stream');
    expect(decodeResponse(encoded.body, encoded.headers[inferenceHeaderLengthHeader])).toEqual(response);

    const request: InferRequest = { inputs: response.outputs, outputs: [{ name: 'logits', parameters: { binary_data: true } }] };
    const sent = encodeRequest(request, { binaryInputs: true });
    expect(decodeRequest(sent.body, sent.headers[inferenceHeaderLengthHeader])).toEqual(request);
  });

  it.each([
    ['not a number', 'abc'],
    ['negative', '-1'],
    ['longer than the body', '100000'],
  ])('refuses an Inference-Header-Content-Length that is %s', (_label, value) => {
    const header = Buffer.from(fixtureText('infer-response-binary-header.json'));
    const failure = codeOf(() => decodeResponse(Buffer.concat([header, outputBytes]), value));
    expect(failure?.code).toBe('remote.bad-response');
    expect(failure?.message).toContain(inferenceHeaderLengthHeader);
  });

  it('refuses a header length that cuts the JSON short', () => {
    const header = Buffer.from(fixtureText('infer-response-binary-header.json'));
    expect(codeOf(() => decodeResponse(Buffer.concat([header, outputBytes]), String(header.length - 3)))?.message).toMatch(/not JSON/);
  });

  it('refuses missing, extra or mis-sized binary data', () => {
    const header = Buffer.from(fixtureText('infer-response-binary-header.json'));
    const missing = codeOf(() => decodeResponse(Buffer.concat([header, outputBytes.subarray(0, 20)]), String(header.length)));
    expect(missing?.message).toMatch(/output "output0" needs 24 bytes/);
    const extra = codeOf(() => decodeResponse(Buffer.concat([header, outputBytes, Buffer.from([0])]), String(header.length)));
    expect(extra?.message).toMatch(/1 bytes after its JSON/);
    const wrong = JSON.parse(header.toString()) as { outputs: { shape: number[] }[] };
    wrong.outputs[0]!.shape = [2, 2];
    const wrongHeader = bodyOf(wrong);
    const misSized = codeOf(() => decodeResponse(Buffer.concat([wrongHeader, outputBytes]), String(wrongHeader.length)));
    expect(misSized?.message).toMatch(/binary_data_size is 24 bytes; 4 FP32 elements take 16/);
  });

  it('refuses a tensor with neither data nor binary_data_size, and a shape too large to allocate', () => {
    const response = fixtureJson('infer-response.json') as { outputs: { data?: unknown; shape: number[] }[] };
    delete response.outputs[0]!.data;
    expect(codeOf(() => decodeResponse(bodyOf(response), undefined))?.message).toMatch(/neither data nor binary_data_size/);
    response.outputs[0]!.shape = [1e6, 1e6];
    expect(codeOf(() => decodeResponse(bodyOf(response), undefined))?.message).toMatch(/more than \d+ elements/);
  });
});
