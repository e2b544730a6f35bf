// Shared pieces of the remote-target tests: the demo classifier and its configuration, a deterministic input batch,
// targets with quick retries, and a way to catch the MiaError a promise rejects with.
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../../../../src-main/common/errors';
import { buildClassifierConfig } from '../../../../src-main/engine/models/config-from-sidecar';
import type { ClassifierConfig } from '../../../../src-main/engine/models/model-config';
import { ModelSidecar } from '../../../../src-main/engine/models/sidecar';
import { SeededRandom } from '../../../../src-main/engine/random/seeded-random';
import { parseRemoteTarget, type RemoteTarget, type RemoteTargetInput } from '../../../../src-main/engine/remote/remote-target';
import { repoRoot } from '../../../helpers/temp-dir';

export const classifierFile = path.join(repoRoot, 'resources', 'demo', 'classifier', 'target.onnx');

export function classifierConfig(): ClassifierConfig {
  const sidecar = ModelSidecar.parse(
    JSON.parse(fs.readFileSync(path.join(repoRoot, 'resources', 'demo', 'classifier', 'target.json'), 'utf8')),
  );
  return buildClassifierConfig(sidecar, {}, { inputs: [], outputs: [] }, 'demo classifier');
}

/** `count` preprocessed 28×28 grey images with values in [-1, 1], the same for the same seed. */
export function sampleBatch(count: number, seed = 7): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: count * 28 * 28 }, () => random.next() * 2 - 1);
}

/** A target on `url` whose retries wait milliseconds, not seconds, so fault tests stay quick. */
export function quickTarget(url: string, extra: Partial<RemoteTargetInput> = {}): RemoteTarget {
  return parseRemoteTarget({
    url,
    model: 'classifier',
    retries: 6,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 2000,
    requestsPerSecond: 1000,
    timeoutMs: 10_000,
    ...extra,
  });
}

export async function caught(promise: Promise<unknown>): Promise<MiaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MiaError) return error;
    throw error;
  }
  throw new Error('expected a MiaError, but the work succeeded');
}
