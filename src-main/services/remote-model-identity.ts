// A remote model's identity, and its check before a run. The model hash covers its local files (a tokenizer, a
// scheduler) and, per served component, the endpoint, the model name and version and the identity hash of the
// server's metadata at import; before a run starts each component's metadata is read again, and a model that
// changed on its server is refused (model.remote-changed) the way a changed file is (model.file-changed).
import crypto from 'node:crypto';
import path from 'node:path';
import { describeRemoteComponent, remoteProtocolOf, type RemoteModelDescriptor } from '../../src-shared/domain/remote-models';
import { MiaError } from '../common/errors';
import type { ModelSpec } from '../engine/jobs/attack-task';
import { describeRemoteModel } from '../engine/remote/kserve-model';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { combinedHash, verifyModelFiles, type StoredFiles } from './model-files';
import { remoteTargetOf } from '../engine/jobs/remote-target-of';
import { verifyVariationIdentity } from './variation-identity';

/** Where remote responses are cached, keyed by request: `remote-cache/` beside the workspace file. */
export function remoteCacheFolder(db: WorkspaceDb): string {
  return path.join(path.dirname(path.resolve(db.name)), 'remote-cache');
}

/** The model hash of a remote model: its local files and one entry per served component, sorted by role. */
export function remoteModelHash(files: StoredFiles, remote: RemoteModelDescriptor): string {
  const entries: StoredFiles = { ...files };
  for (const [role, component] of Object.entries(remote.components)) {
    const served = [remote.endpoint.url, component.model, component.version ?? '', component.identity].join('\n');
    entries[`remote:${role}`] = { path: remote.endpoint.url, sha256: crypto.createHash('sha256').update(served).digest('hex') };
  }
  return combinedHash(entries);
}

/**
 * Throws model.file-changed or model.remote-changed when a model is not what was imported; local models: their files
 * only. `env` is where an endpoint's apiKeyEnv is read for the metadata calls.
 */
export async function verifyModelIdentity(spec: ModelSpec, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const remote = spec.remote;
  if (!remote) return verifyModelFiles(spec.name, spec.files, spec.sha256);
  await verifyModelFiles(spec.name, spec.files, combinedHash(spec.files));
  if (remoteModelHash(spec.files, remote) !== spec.sha256) {
    throw new MiaError(
      'model.file-changed',
      `Model "${spec.name}": the stored endpoint and components do not match its hash; the workspace row was altered.`,
    );
  }
  // An image-variation API publishes no metadata to read again; its components must carry their own identity.
  if (remoteProtocolOf(remote) === 'image-variation') return verifyVariationIdentity(spec.name, remote);
  for (const [role, component] of Object.entries(remote.components)) {
    const target = remoteTargetOf(remote.endpoint, component);
    const described = await describeRemoteModel(target, { env });
    if (described.identity === component.identity) continue;
    throw new MiaError(
      'model.remote-changed',
      `Model "${spec.name}": ${describeRemoteComponent(remote.endpoint, component)} (${role}) changed on its server since it was imported (its metadata is not the same). Import it again as a new model so runs stay comparable.`,
      { role, url: remote.endpoint.url, model: component.model, expected: component.identity, actual: described.identity },
    );
  }
}
