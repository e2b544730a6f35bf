// The identity of an image-variation API's component. Such an API publishes no metadata, so the identity is the
// protocol, URL, model and version themselves: a row altered to claim this protocol for a KServe model (whose
// identity is a metadata hash) no longer matches, and the check before a run refuses it.
import crypto from 'node:crypto';
import { describeRemoteComponent, type RemoteModelDescriptor } from '../../src-shared/domain/remote-models';
import { MiaError } from '../common/errors';

export function variationComponentIdentity(url: string, model: string, version: string | undefined): string {
  return crypto
    .createHash('sha256')
    .update(['image-variation', url, model, version ?? ''].join('\n'))
    .digest('hex');
}

/** Refuses (model.file-changed) a stored image-variation row whose components do not carry their own identity. */
export function verifyVariationIdentity(name: string, remote: RemoteModelDescriptor): void {
  for (const [role, component] of Object.entries(remote.components)) {
    if (component.identity === variationComponentIdentity(remote.endpoint.url, component.model, component.version)) continue;
    throw new MiaError(
      'model.file-changed',
      `Model "${name}": the stored ${role} component, ${describeRemoteComponent(remote.endpoint, component)}, is not the image-variation API it was imported as; the workspace row was altered.`,
      { role, url: remote.endpoint.url },
    );
  }
}
