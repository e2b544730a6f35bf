// What a report says about a target served over the network: the protocol, the endpoint (its URL, which the workspace
// never stores with a credential), where the key came from (the variable's name only), each served component with the
// identity hash it had at import, and, for one run, its query budget and the run log's own notes on what was sent and
// what the response cache answered. Numbers are only ever quoted from those notes, never worked out here.
import { remoteProtocolOf, type RemoteProtocol } from '../../../src-shared/domain/remote-models';
import { targetBaseUrl } from '../../engine/remote/remote-target';
import type { StoredModel } from '../../workspace/models-repo';

const protocolTitles: Record<RemoteProtocol, string> = {
  'kserve-v2': 'KServe v2 / Open Inference Protocol (inference requests with JSON or binary tensors)',
  'image-variation': 'Image-variation API in the OpenAI Images shape (POST /v1/images/variations)',
};

export interface RemoteComponentFacts {
  readonly role: string;
  readonly model: string;
  readonly version: string | null;
  /** The identity hash of the component at import: of the server's metadata (KServe v2), or of URL, model and version. */
  readonly identity: string;
}

/** A remote target as the report shows it; identical for every run on the target. */
export interface RemoteTargetFacts {
  readonly protocol: string;
  readonly url: string;
  readonly host: string;
  /** One sentence on the bearer key's source, naming the variable only. */
  readonly keySource: string;
  readonly components: readonly RemoteComponentFacts[];
}

/** What one run on a remote target spent. */
export interface RemoteRunFacts {
  /** The most requests the run could send; null when it had no budget. */
  readonly queryBudget: number | null;
  /** The run log's notes naming the endpoint: requests sent, retries, cache hits and budget used, as the engine wrote them. */
  readonly requestNotes: readonly string[];
}

/** The target's remote facts, or null for a model made of local files. */
export function remoteTargetFacts(target: Pick<StoredModel, 'remote'>): RemoteTargetFacts | null {
  const remote = target.remote;
  if (!remote) return null;
  const url = targetBaseUrl(remote.endpoint);
  const variable = remote.endpoint.apiKeyEnv;
  return {
    protocol: protocolTitles[remoteProtocolOf(remote)],
    url,
    host: new URL(url).host,
    keySource: variable
      ? `The bearer key was read from the environment variable ${variable} (or from the app's key store under that name); the key itself is not stored in the workspace and is not part of this report.`
      : 'No key was configured for this endpoint.',
    components: Object.keys(remote.components)
      .sort()
      .map((role) => {
        const component = remote.components[role]!;
        return { role, model: component.model, version: component.version ?? null, identity: component.identity };
      }),
  };
}

/** The run's budget (from its stored configuration) and its log's info notes that name the target's endpoint. */
export function remoteRunFacts(
  target: RemoteTargetFacts,
  config: { readonly queryBudget?: unknown },
  log: readonly { readonly level: string; readonly message: string }[],
): RemoteRunFacts {
  const budget = config.queryBudget;
  return {
    queryBudget: typeof budget === 'number' ? budget : null,
    requestNotes: log.filter((line) => line.level === 'info' && line.message.includes(target.url)).map((line) => line.message),
  };
}
