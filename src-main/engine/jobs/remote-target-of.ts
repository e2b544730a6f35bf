// The engine client's target for one served component of a stored remote model: the endpoint's settings with the
// component's model name and version, parsed by the client's own schema (its defaults fill what the auditor left out).
import type { RemoteComponent, RemoteEndpoint } from '../../../src-shared/domain/remote-models';
import { parseRemoteTarget, type RemoteTarget } from '../remote/remote-target';

export function remoteTargetOf(endpoint: RemoteEndpoint, component: RemoteComponent, budget?: number): RemoteTarget {
  const { pricePerRequest: _price, ...reach } = endpoint;
  return parseRemoteTarget(
    { ...reach, model: component.model, ...(component.version ? { version: component.version } : {}), ...(budget ? { budget } : {}) },
    `The remote model ${component.model} at ${endpoint.url}`,
  );
}
