// A small KServe v2 server for tests: serves one ONNX model with onnxruntime-node on a free loopback port, over http or
// https, with JSON or binary tensors, optionally behind a bearer token. It speaks the protocol through the engine's own
// codec, and records each request's method, path and Authorization header so tests can see what was sent.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as ort from 'onnxruntime-node';
import { openOnnxModel, type OnnxModel, type TensorInfo } from '../../src-main/engine/models/onnx-session';
import {
  binaryTensorDataExtension,
  decodeRequest,
  encodeResponse,
  inferenceHeaderLengthHeader,
  kserveDatatypeOfOrt,
  parseKservePath,
  wantsBinaryOutput,
  type MetadataTensor,
  type ModelMetadata,
} from '../../src-main/engine/remote/kserve-v2-protocol';

export interface KserveTestServerOptions {
  readonly modelFile: string;
  readonly modelName?: string;
  /** Advertise (and accept) Triton's binary tensor data extension. Default true. */
  readonly binary?: boolean;
  /** Require `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Serve https with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface KserveTestServer {
  readonly url: string;
  readonly model: OnnxModel;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startKserveTestServer(options: KserveTestServerOptions): Promise<KserveTestServer> {
  const model = await openOnnxModel(options.modelFile);
  const name = options.modelName ?? 'classifier';
  const binary = options.binary ?? true;
  const metadata: ModelMetadata = {
    name,
    versions: ['1'],
    platform: 'onnxruntime_onnx',
    inputs: model.inputs.map(toMetadata),
    outputs: model.outputs.map(toMetadata),
  };
  const seen: SeenRequest[] = [];

  const handle = async (
    request: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> => {
    const json = (status: number, value: unknown) => ({
      status,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify(value)),
    });
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`)
      return json(401, { error: 'missing or wrong bearer token' });
    const route = parseKservePath(new URL(request.url ?? '/', 'http://x').pathname);
    if (!route) return json(404, { error: `no route ${request.url}` });
    if (route.kind === 'server-metadata')
      return json(200, { name: 'kserve-test-server', version: '1', extensions: binary ? [binaryTensorDataExtension] : [] });
    if (!('model' in route)) return json(200, { ready: true });
    if (route.model !== name) return json(404, { error: `unknown model '${route.model}'` });
    if (route.kind === 'model-ready') return json(200, { name, ready: true });
    if (route.kind === 'model-metadata') return json(200, metadata);
    if (request.method !== 'POST') return json(405, { error: 'infer takes POST' });
    const headerLength = request.headers[inferenceHeaderLengthHeader.toLowerCase()];
    if (headerLength !== undefined && !binary) return json(400, { error: 'binary tensor data is not supported here' });
    const infer = decodeRequest(body, typeof headerLength === 'string' ? headerLength : undefined);
    const feeds = Object.fromEntries(
      infer.inputs.map((input) => [
        input.name,
        new ort.Tensor(model.inputs.find((i) => i.name === input.name)!.dtype as 'float32', input.data as Float32Array, [...input.shape]),
      ]),
    );
    const results = await model.run(feeds);
    const wanted = infer.outputs?.map((output) => output.name) ?? metadata.outputs.map((output) => output.name);
    const encoded = encodeResponse(
      {
        model_name: name,
        model_version: '1',
        ...(infer.id ? { id: infer.id } : {}),
        outputs: wanted.map((output) => {
          const tensor = results[output]!;
          return {
            name: output,
            datatype: kserveDatatypeOfOrt(tensor.type)!,
            shape: tensor.dims.map(Number),
            data: tensor.data as Float32Array,
          };
        }),
      },
      (output) => binary && wantsBinaryOutput(infer, output),
    );
    return { status: 200, headers: encoded.headers, body: encoded.body };
  };

  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', path: request.url ?? '', authorization: request.headers.authorization });
      handle(request, Buffer.concat(chunks))
        .catch((error: unknown) => ({
          status: 400,
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(JSON.stringify({ error: error instanceof Error ? error.message : String(error) })),
        }))
        .then((answer) => response.writeHead(answer.status, answer.headers).end(answer.body));
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    model,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await model.release();
    },
  };
}

function toMetadata(info: TensorInfo): MetadataTensor {
  const datatype = kserveDatatypeOfOrt(info.dtype);
  if (!datatype) throw new Error(`The test server cannot serve ${info.name} of type ${info.dtype}.`);
  return { name: info.name, datatype, shape: info.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : -1)) };
}
