// The REST paths of the Open Inference Protocol (KServe v2): built by the client, matched by `mia serve`.

/** Paths for one model; `version` adds `/versions/{version}`. Names are percent-encoded. */
export const kservePaths = {
  serverMetadata: '/v2',
  serverLive: '/v2/health/live',
  serverReady: '/v2/health/ready',
  model(name: string, version?: string): string {
    const base = `/v2/models/${encodeURIComponent(name)}`;
    return version === undefined ? base : `${base}/versions/${encodeURIComponent(version)}`;
  },
  modelReady(name: string, version?: string): string {
    return `${kservePaths.model(name, version)}/ready`;
  },
  infer(name: string, version?: string): string {
    return `${kservePaths.model(name, version)}/infer`;
  },
};

export type KserveRoute =
  | { readonly kind: 'server-metadata' | 'server-live' | 'server-ready' }
  | { readonly kind: 'model-metadata' | 'model-ready' | 'infer'; readonly model: string; readonly version?: string };

const modelPattern = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;

/** Which v2 endpoint a request path (without its query) names, or null for none. */
export function parseKservePath(pathname: string): KserveRoute | null {
  if (pathname === kservePaths.serverMetadata) return { kind: 'server-metadata' };
  if (pathname === kservePaths.serverLive) return { kind: 'server-live' };
  if (pathname === kservePaths.serverReady) return { kind: 'server-ready' };
  const match = modelPattern.exec(pathname);
  if (!match) return null;
  let model: string;
  let version: string | undefined;
  try {
    model = decodeURIComponent(match[1]!);
    version = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  } catch {
    return null; // a malformed percent escape names no model
  }
  const kind = match[3] === '/ready' ? 'model-ready' : match[3] === '/infer' ? 'infer' : 'model-metadata';
  return version === undefined ? { kind, model } : { kind, model, version };
}
