// The sentence New run shows before Start for a run on a remote model: how many infer requests it will send, what
// they cost at the endpoint's price, and whether the query budget stops the run before it is done.
import { formatCount } from './format';

export interface RemoteEstimateFigures {
  readonly remoteRequests?: number | null;
  readonly remoteCost?: number | null;
}

/** A price as typed by the auditor, without a currency (the workbench does not know which one): 12.5, 0.002. */
export function formatCost(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 1 ? 6 : 2 });
}

/** Null when the run sends no remote requests (a local target). */
export function describeRemoteEstimate(estimate: RemoteEstimateFigures, queryBudget: number | null): string | null {
  const requests = estimate.remoteRequests;
  if (requests === null || requests === undefined) return null;
  const parts = [`≈ ${formatCount(requests)} requests to the server (before the response cache)`];
  if (estimate.remoteCost !== null && estimate.remoteCost !== undefined) parts.push(`costing ≈ ${formatCost(estimate.remoteCost)}`);
  let sentence = parts.join(', ');
  if (queryBudget !== null && queryBudget < requests) {
    sentence += `; the query budget of ${formatCount(queryBudget)} stops the run before it finishes, unless the cache answers the rest`;
  }
  return `${sentence}.`;
}
