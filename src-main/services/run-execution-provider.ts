// The execution provider a run is started with: the workspace setting or $MIA_ENGINE_PROVIDER, checked at Start so
// that an unavailable provider is refused before a run row exists. The engine host checks again before it opens a
// session (its own process, its own libraries) and records what it used.
import { selectExecutionProvider } from '../engine/models/execution-provider';
import { providerEnvironmentVariable, resolveProviderRequest, type ProviderRequest } from '../engine/models/execution-provider-request';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getSetting, settingKeys } from '../workspace/settings-repo';

export async function executionProviderAtStart(db: WorkspaceDb, environment: NodeJS.ProcessEnv = process.env): Promise<ProviderRequest> {
  const request = resolveProviderRequest({
    environment: environment[providerEnvironmentVariable],
    setting: { key: settingKeys.executionProvider, value: getSetting(db, settingKeys.executionProvider) },
  });
  await selectExecutionProvider(request);
  return request;
}
