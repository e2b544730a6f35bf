// A model on a KServe v2 / Triton server, behind the engine's OnnxModel interface so that the classifier, CLIP and
// denoiser adapters run on it unchanged. Each `run` is one POST …/infer (JSON tensors, or binary ones when the server
// advertises them), answered from the response cache when the same request was answered before.
import { createHash } from 'node:crypto';
import type * as ort from 'onnxruntime-node';
import { MiaError } from '../../common/errors';
import type { OnnxModel, TensorInfo } from '../models/onnx-session';
import { createHttpTransport, type HttpTransport, type TransportOptions } from './http-transport';
import { feedToKserve, kserveToOrt, workbenchDtypeOf } from './kserve-ort-tensors';
import { checkInferResponse } from './kserve-response-check';
import { checkReady, modelLabel, readModelMetadata, readServerMetadata } from './kserve-server-calls';
import {
  binaryTensorDataExtension,
  decodeResponse,
  encodeRequest,
  inferenceHeaderLengthHeader,
  type InferRequest,
} from './kserve-v2-codec';
import type { MetadataTensor, ModelMetadata } from './kserve-v2-messages';
import { kservePaths } from './kserve-v2-paths';
import type { RemoteTarget } from './remote-target';
import { cacheKey, ResponseCache, type CachedAnswer } from './response-cache';

export interface KserveModelOptions extends TransportOptions {
  /** One transport per target, shared by its models so the traffic limits and budget hold across them. */
  readonly transport?: HttpTransport;
  /** The response cache's folder (e.g. `<workspace>/remote-cache`); no caching without one. */
  readonly cacheFolder?: string;
  /** Cancels readiness and metadata calls and every later `run`. */
  readonly signal?: AbortSignal;
}

export interface KserveCounts {
  /** HTTP requests sent through this model's transport (shared with other models of the target), retries included. */
  readonly sent: number;
  readonly retried: number;
  /** Inference requests of this model answered from the cache, which sent nothing. */
  readonly cacheHits: number;
}

export interface KserveModel extends OnnxModel {
  readonly metadata: ModelMetadata;
  readonly binaryTensors: boolean;
  counts(): KserveCounts;
}

export interface RemoteModelDescription {
  readonly baseUrl: string;
  readonly model: string;
  readonly version?: string;
  readonly metadata: ModelMetadata;
  /** SHA-256 over the URL, model, version and metadata JSON: changes when the served model's interface does. */
  readonly identity: string;
}

/** Reads a remote model's metadata and its identity hash, for import and for the check before a run. */
export async function describeRemoteModel(target: RemoteTarget, options: KserveModelOptions = {}): Promise<RemoteModelDescription> {
  const transport = options.transport ?? createHttpTransport(target, options);
  const metadata = await readModelMetadata(transport, target, options.signal);
  const identity = createHash('sha256')
    .update(JSON.stringify([transport.baseUrl, target.model, target.version ?? null, metadata]))
    .digest('hex');
  return { baseUrl: transport.baseUrl, model: target.model, ...(target.version ? { version: target.version } : {}), metadata, identity };
}

/** `kserve:http://127.0.0.1:8000/v2/models/name`: the `file` a remote model shows in messages (no credentials). */
export function remoteModelDisplay(baseUrl: string, target: Pick<RemoteTarget, 'model' | 'version'>): string {
  return `kserve:${baseUrl}${kservePaths.model(target.model, target.version)}`;
}

export async function openKserveModel(target: RemoteTarget, options: KserveModelOptions = {}): Promise<KserveModel> {
  const transport = options.transport ?? createHttpTransport(target, options);
  const signal = options.signal;
  await checkReady(transport, target, signal);
  const binaryTensors =
    target.tensorEncoding === 'auto' && (await readServerMetadata(transport, signal)).extensions.includes(binaryTensorDataExtension);
  const metadata = await readModelMetadata(transport, target, signal);
  const file = remoteModelDisplay(transport.baseUrl, target);
  const what = `Remote model ${modelLabel(target)} at ${transport.baseUrl}`;
  const cache = options.cacheFolder === undefined ? undefined : new ResponseCache(options.cacheFolder);
  const inferPath = kservePaths.infer(target.model, target.version);
  const identity = { baseUrl: transport.baseUrl, model: target.model, ...(target.version ? { version: target.version } : {}) };
  let cacheHits = 0;
  let released = false;

  const decodeChecked = (answer: CachedAnswer, batch: number | null): Record<string, ort.Tensor> => {
    const response = decodeResponse(answer.body, answer.headers[inferenceHeaderLengthHeader.toLowerCase()]);
    const outputs = checkInferResponse(response, metadata.outputs, batch, what);
    return Object.fromEntries(metadata.outputs.map((meta) => [meta.name, kserveToOrt(outputs.get(meta.name)!)]));
  };

  return {
    file,
    inputs: metadata.inputs.map(toTensorInfo),
    outputs: metadata.outputs.map(toTensorInfo),
    externalData: [],
    metadata,
    binaryTensors,
    counts: () => ({ ...transport.counts, cacheHits }),
    async run(feeds) {
      if (released) throw new MiaError('model.released', `The remote model ${file} was already closed.`);
      const request = buildRequest(feeds, metadata, binaryTensors, what);
      const batch = batchOf(request, metadata);
      const encoded = encodeRequest(request, { binaryInputs: binaryTensors });
      const key = cache ? cacheKey(identity, 'POST', inferPath, encoded.body) : undefined;
      if (cache && key) {
        const hit = cache.read(key, (answer) => decodeChecked(answer, batch));
        if (hit) {
          cacheHits += 1;
          return hit;
        }
      }
      const answer = await transport.send({
        method: 'POST',
        path: inferPath,
        body: encoded.body,
        headers: encoded.headers,
        ...(signal ? { signal } : {}),
      });
      const kept: CachedAnswer = { headers: decodingHeaders(answer.headers), body: answer.body };
      const result = decodeChecked(kept, batch);
      // Stored only now that it decoded and passed every check: a bad answer is never replayed from the cache.
      if (cache && key) await cache.write(key, kept);
      return result;
    },
    async release() {
      released = true;
    },
  };
}

function toTensorInfo(meta: MetadataTensor): TensorInfo {
  return { name: meta.name, dtype: workbenchDtypeOf(meta.datatype), shape: [...meta.shape] };
}

function buildRequest(feeds: Record<string, ort.Tensor>, metadata: ModelMetadata, binary: boolean, what: string): InferRequest {
  const inputs = Object.entries(feeds).map(([name, feed]) => {
    const meta = metadata.inputs.find((input) => input.name === name);
    if (!meta) {
      throw new MiaError(
        'model.bad-input',
        `${what} has no input "${name}"; its inputs are ${metadata.inputs.map((input) => `"${input.name}"`).join(', ')}.`,
      );
    }
    return feedToKserve(name, feed, meta.datatype, what);
  });
  const outputs = metadata.outputs.map((output) =>
    binary ? { name: output.name, parameters: { binary_data: true } } : { name: output.name },
  );
  return { inputs, outputs };
}

/** The batch size when the model's first input has a free first dimension: outputs with one must match it. */
function batchOf(request: InferRequest, metadata: ModelMetadata): number | null {
  const first = metadata.inputs[0];
  const sent = request.inputs.find((input) => input.name === first?.name);
  return first?.shape[0] === -1 && sent ? (sent.shape[0] ?? null) : null;
}

function decodingHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['content-type', inferenceHeaderLengthHeader.toLowerCase()]) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}
