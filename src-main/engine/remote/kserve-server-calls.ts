// The KServe v2 calls that read about a server and a model (readiness, server and model metadata), each parsed
// with the protocol's schema so a server that answers out of protocol is named, not trusted.
import type { z } from 'zod';
import { MiaError, isMiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import type { HttpTransport } from './http-transport';
import { ModelMetadataSchema, ServerMetadataSchema, type ModelMetadata, type ServerMetadata } from './kserve-v2-messages';
import { kservePaths } from './kserve-v2-paths';
import type { RemoteTarget } from './remote-target';

async function getJson<S extends z.ZodType>(transport: HttpTransport, path: string, schema: S, signal?: AbortSignal): Promise<z.output<S>> {
  const answer = await transport.send({ method: 'GET', path, ...(signal ? { signal } : {}) });
  const what = `The answer to GET ${transport.baseUrl}${path}`;
  let json: unknown;
  try {
    json = JSON.parse(answer.body.toString('utf8'));
  } catch (error) {
    throw new MiaError('remote.bad-response', `${what} is not JSON: ${(error as Error).message}`);
  }
  return parseWith(schema, json, what, 'remote.bad-response');
}

/** `GET /v2/health/ready` then `GET /v2/models/{name}[/versions/{v}]/ready`; a refusal is `remote.not-ready`. */
export async function checkReady(transport: HttpTransport, target: RemoteTarget, signal?: AbortSignal): Promise<void> {
  for (const [path, subject] of [
    [kservePaths.serverReady, `The server ${transport.baseUrl}`],
    [kservePaths.modelReady(target.model, target.version), `The model ${modelLabel(target)} on ${transport.baseUrl}`],
  ] as const) {
    try {
      await transport.send({ method: 'GET', path, ...(signal ? { signal } : {}) });
    } catch (error) {
      // A server that is up but says "not ready" answers 4xx/5xx; network trouble and cancellation keep their codes.
      if (isMiaError(error) && typeof error.details?.['status'] === 'number') {
        throw new MiaError('remote.not-ready', `${subject} is not ready (GET ${path}: ${error.message})`, {
          status: error.details['status'],
        });
      }
      throw error;
    }
  }
}

export function readServerMetadata(transport: HttpTransport, signal?: AbortSignal): Promise<ServerMetadata> {
  return getJson(transport, kservePaths.serverMetadata, ServerMetadataSchema, signal);
}

export function readModelMetadata(transport: HttpTransport, target: RemoteTarget, signal?: AbortSignal): Promise<ModelMetadata> {
  return getJson(transport, kservePaths.model(target.model, target.version), ModelMetadataSchema, signal);
}

/** "resnet (version 2)" */
export function modelLabel(target: Pick<RemoteTarget, 'model' | 'version'>): string {
  return target.version === undefined ? target.model : `${target.model} (version ${target.version})`;
}
