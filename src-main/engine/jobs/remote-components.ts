// The remote side of a run's model components: one KServe v2 transport per endpoint (so traffic limits hold across
// an endpoint's models), one query budget for the whole run across every endpoint, and the workspace's response
// cache, so a resumed or repeated run pays only for requests not answered before. Its notes say what was sent.
import type { RemoteComponent, RemoteEndpoint } from '../../../src-shared/domain/remote-models';
import { createHttpTransport, type HttpTransport } from '../remote/http-transport';
import { openKserveModel, type KserveModel } from '../remote/kserve-model';
import { QueryBudget } from '../remote/query-budget';
import type { AttackTask } from './attack-task';
import { remoteTargetOf } from './remote-target-of';

export interface RemoteComponents {
  open(endpoint: RemoteEndpoint, component: RemoteComponent, signal?: AbortSignal): Promise<KserveModel>;
  notes(): string[];
}

export function createRemoteComponents(task: AttackTask): RemoteComponents {
  const budget = new QueryBudget(task.queryBudget, 'the remote models of this run');
  const transports = new Map<string, HttpTransport>();
  const opened: { label: string; model: KserveModel }[] = [];
  return {
    async open(endpoint, component, signal) {
      const target = remoteTargetOf(endpoint, component);
      let transport = transports.get(endpoint.url);
      if (!transport) {
        transport = createHttpTransport(target, { budget, ...(task.apiKeys ? { env: { ...process.env, ...task.apiKeys } } : {}) });
        transports.set(endpoint.url, transport);
      }
      const model = await openKserveModel(target, {
        transport,
        ...(signal ? { signal } : {}),
        ...(task.remoteCache ? { cacheFolder: task.remoteCache } : {}),
      });
      opened.push({ label: `${model.file}`, model });
      return model;
    },
    notes() {
      if (opened.length === 0) return [];
      const hits = opened.reduce((sum, entry) => sum + entry.model.counts().cacheHits, 0);
      const endpoints = [...transports.values()].map(
        (transport) => `${transport.baseUrl} (${transport.counts.sent} sent, ${transport.counts.retried} retried)`,
      );
      return [
        `Remote models: ${opened.map((entry) => entry.label).join(', ')}. Requests (readiness, metadata and inference, retries included): ${endpoints.join('; ')}; ${hits} inference requests answered from the workspace's response cache.${budget.limit !== undefined ? ` Query budget: ${budget.sent} of ${budget.limit} used.` : ''}`,
      ];
    },
  };
}
