// The infer requests a run sends to remote models, estimated before Start, and their cost when the endpoint has a
// price per request. An adapter sends one request per batch (at most its model's fixed batch size, else the
// adapter's default maximum), so each remote model's calls are divided into batches. These are the queries a run's
// budget counts (engine/remote/query-budget.ts); readiness and metadata reads are free, and responses already in the
// cache are not counted here, so the run may send fewer.
import { totalModelCalls } from '../../src-shared/domain/model-calls';
import { remoteProtocolOf } from '../../src-shared/domain/remote-models';
import type { AttackModule, EstimateCounts } from '../engine/attacks/attack-module';
import { estimateRunModelCalls } from '../engine/attacks/run-model-calls';
import { chunkSize, defaultMaxBatch } from '../engine/models/batching';
import { targetStructureOf } from '../engine/models/target-structure';
import type { StoredModel } from '../workspace/models-repo';

export interface RemoteRequestEstimate {
  /** Null when no model of the run is remote. */
  readonly remoteRequests: number | null;
  /** Null without a price per request. */
  readonly remoteCost: number | null;
}

export function estimateRemoteRequests(
  attack: AttackModule,
  params: unknown,
  counts: Omit<EstimateCounts, 'target'>,
  models: readonly StoredModel[],
): RemoteRequestEstimate {
  let requests: number | null = null;
  let cost: number | null = null;
  for (const model of models) {
    if (!model.remote) continue;
    const calls = totalModelCalls(estimateRunModelCalls(attack, params, counts, targetStructureOf(model), null));
    // An image-variation API takes one image per request: its calls are its requests.
    if (remoteProtocolOf(model.remote) === 'image-variation') {
      requests = (requests ?? 0) + calls;
      const price = model.remote.endpoint.pricePerRequest;
      if (price !== undefined) cost = (cost ?? 0) + calls * price;
      continue;
    }
    // The smallest batch among the served components: the one that needs the most requests.
    const batch = Math.min(
      ...Object.keys(model.remote.components).map((role) => {
        const input = model.io[role]?.inputs[0];
        return input ? chunkSize(input) : defaultMaxBatch;
      }),
    );
    const sent = Math.ceil(calls / batch);
    requests = (requests ?? 0) + sent;
    const price = model.remote.endpoint.pricePerRequest;
    if (price !== undefined) cost = (cost ?? 0) + sent * price;
  }
  return { remoteRequests: requests, remoteCost: cost };
}
