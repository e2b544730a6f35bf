// The remote-model import form's fields and the models.importRemote request they make: the family's served model
// names (one per role, remote-models.ts) or an image-variation API's model, the endpoint's key source, CA file,
// plain-http consent, traffic limits and price. Empty text fields are left out so the engine client's defaults
// apply. Plain TypeScript: no Vue, no DOM.
import type { ModelRemoteImportRequest } from '../../src-shared/contract/contract';
import { remoteRoles, variationRole } from '../../src-shared/domain/remote-models';

/** A KServe v2 family, or 'variation': a diffusion target behind an image-variation API (ReDiffuse only). */
export type RemoteKind = 'classifier' | 'clip' | 'diffusion' | 'variation';
/** No key; the variable `apiKeyEnv` names (headless host, CLI, or the app's own environment); the app's key store. */
export type KeySource = 'none' | 'variable' | 'store';

export interface RemoteImportDraft {
  kind: RemoteKind;
  role: 'target' | 'null';
  url: string;
  /** Per role of the family: the served model's name and version ('' for the server's default version). */
  components: Record<string, { model: string; version: string }>;
  keySource: KeySource;
  apiKeyEnv: string;
  /** Only for keySource 'store': sent once with keys.set, never part of the import request. */
  key: string;
  caFile: string;
  allowInsecureHttp: boolean;
  concurrency: string;
  requestsPerSecond: string;
  timeoutSeconds: string;
  retries: string;
  pricePerRequest: string;
  sidecarPath: string;
  tokenizerPath: string;
  schedulerPath: string;
}

export function emptyRemoteDraft(): RemoteImportDraft {
  return {
    kind: 'classifier',
    role: 'target',
    url: '',
    components: {},
    keySource: 'none',
    apiKeyEnv: '',
    key: '',
    caFile: '',
    allowInsecureHttp: false,
    concurrency: '',
    requestsPerSecond: '',
    timeoutSeconds: '',
    retries: '',
    pricePerRequest: '',
    sidecarPath: '',
    tokenizerPath: '',
    schedulerPath: '',
  };
}

/** What each role's served model is called in the form. */
export const remoteRoleLabels: Readonly<Record<string, string>> = {
  model: 'Served classifier',
  image: 'Served image encoder',
  text: 'Served text encoder',
  denoiser: 'Served denoiser',
  [variationRole]: 'API model',
};

export const rolesOf = (kind: RemoteKind): readonly string[] => (kind === 'variation' ? [variationRole] : remoteRoles[kind]);

/** A number field: left out when empty, else the number typed (NaN, which the contract refuses by name, for junk). */
const numberOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text.trim()));
const textOf = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

export function remoteImportRequestOf(draft: RemoteImportDraft, name: string, allowDuplicate = false): ModelRemoteImportRequest {
  const timeoutSeconds = numberOf(draft.timeoutSeconds);
  const endpoint = definedOnly({
    url: draft.url.trim(),
    apiKeyEnv: draft.keySource === 'none' ? undefined : draft.apiKeyEnv.trim(),
    caFile: textOf(draft.caFile),
    allowInsecureHttp: draft.allowInsecureHttp ? true : undefined,
    timeoutMs: timeoutSeconds === undefined ? undefined : Math.round(timeoutSeconds * 1000),
    retries: numberOf(draft.retries),
    concurrency: numberOf(draft.concurrency),
    requestsPerSecond: numberOf(draft.requestsPerSecond),
    pricePerRequest: numberOf(draft.pricePerRequest),
  }) as ModelRemoteImportRequest['endpoint'];
  const components = Object.fromEntries(
    rolesOf(draft.kind).map((role) => {
      const entry = draft.components[role] ?? { model: '', version: '' };
      return [role, definedOnly({ model: entry.model.trim(), version: textOf(entry.version) }) as { model: string; version?: string }];
    }),
  );
  const variation = draft.kind === 'variation';
  return definedOnly({
    kind: variation ? 'diffusion' : draft.kind,
    protocol: variation ? 'image-variation' : undefined,
    role: draft.kind === 'classifier' ? draft.role : 'target',
    name: textOf(name),
    endpoint,
    components,
    // An image-variation API takes no local files: its sampler is out of sight.
    sidecarPath: variation ? undefined : textOf(draft.sidecarPath),
    tokenizerPath: draft.kind === 'clip' ? textOf(draft.tokenizerPath) : undefined,
    schedulerPath: draft.kind === 'diffusion' ? textOf(draft.schedulerPath) : undefined,
    allowDuplicate: allowDuplicate ? true : undefined,
  }) as ModelRemoteImportRequest;
}
