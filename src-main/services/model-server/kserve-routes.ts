// The KServe v2 (Open Inference Protocol) REST endpoints of `mia serve`: server metadata and health, model metadata
// and readiness, and inference with JSON tensors or Triton's binary tensor extension.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { engineVersion } from '../../common/engine-version';
import { MiaError } from '../../common/errors';
import {
  binaryTensorDataExtension,
  decodeRequest,
  encodeResponse,
  inferenceHeaderLengthHeader,
  wantsBinaryOutput,
  type KserveRoute,
  type ServerMetadata,
} from '../../engine/remote/kserve-v2-protocol';
import { httpError, readBody, sendBytes, sendJson } from './http-exchange';
import { findServedModel, inferServed, type ServedModel } from './served-models';

export const serverMetadata: ServerMetadata = { name: 'mia-workbench', version: engineVersion, extensions: [binaryTensorDataExtension] };

export async function answerKserve(
  route: KserveRoute,
  request: IncomingMessage,
  response: ServerResponse,
  models: readonly ServedModel[],
  maxBodyBytes: number,
): Promise<void> {
  const expectedMethod = route.kind === 'infer' ? 'POST' : 'GET';
  if (request.method !== expectedMethod) {
    throw httpError(405, 'serve.method-not-allowed', `${request.method ?? '?'} is not allowed here; use ${expectedMethod}.`);
  }
  switch (route.kind) {
    case 'server-metadata':
      return sendJson(response, 200, serverMetadata);
    case 'server-live':
      return sendJson(response, 200, { live: true });
    case 'server-ready':
      return sendJson(response, 200, { ready: true });
    case 'model-metadata':
      return sendJson(response, 200, findServedModel(models, route.model, route.version).metadata);
    case 'model-ready':
      findServedModel(models, route.model, route.version);
      return sendJson(response, 200, { name: route.model, ready: true });
    case 'infer': {
      const model = findServedModel(models, route.model, route.version);
      const body = await readBody(request, maxBodyBytes);
      const headerLength = request.headers[inferenceHeaderLengthHeader.toLowerCase()];
      let inferRequest;
      try {
        inferRequest = decodeRequest(body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
      } catch (error) {
        // The protocol module names the field; the client gets its words with a 400.
        if (error instanceof MiaError) throw httpError(400, error.code, error.message);
        throw error;
      }
      const answer = await inferServed(model, inferRequest);
      const encoded = encodeResponse(answer, (name) => wantsBinaryOutput(inferRequest, name));
      return sendBytes(response, 200, encoded.body, encoded.headers);
    }
  }
}
