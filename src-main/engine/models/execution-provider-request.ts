// The execution provider the auditor asks for: the workspace setting, which $MIA_ENGINE_PROVIDER overrides, parsed
// and checked here. Pure (no ONNX Runtime), so the task schema and the services can use it without loading the runtime;
// whether the provider can run is execution-provider.ts's job.
import { z } from 'zod';
import { MiaError } from '../../common/errors';

export const ExecutionProviderName = z.enum(['cpu', 'cuda']);
export type ExecutionProviderName = z.infer<typeof ExecutionProviderName>;

/** What the auditor asked for: a provider, and whether a run may use the CPU when that provider is unavailable. */
export const ProviderRequest = z.object({ provider: ExecutionProviderName, fallbackToCpu: z.boolean() });
export type ProviderRequest = z.infer<typeof ProviderRequest>;

export const providerEnvironmentVariable = 'MIA_ENGINE_PROVIDER';

const cpuOnly: ProviderRequest = { provider: 'cpu', fallbackToCpu: false };

/**
 * "cpu", "cuda", or "cuda,cpu": cuda, and the CPU when cuda is unavailable (the order ONNX Runtime's own provider
 * lists use). Anything else is refused, so a typo never silently runs on the CPU.
 */
export function parseProviderRequest(value: string, source: string): ProviderRequest {
  const parts = value
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());
  const single = ExecutionProviderName.safeParse(parts[0]);
  if (parts.length === 1 && single.success) return { provider: single.data, fallbackToCpu: false };
  if (parts.length === 2 && parts[0] === 'cuda' && parts[1] === 'cpu') return { provider: 'cuda', fallbackToCpu: true };
  throw new MiaError(
    'engine.bad-provider',
    `${source} is "${value}"; expected "cpu", "cuda", or "cuda,cpu" (cuda, and the CPU when cuda is unavailable).`,
    { source, value },
  );
}

/** $MIA_ENGINE_PROVIDER wins over the workspace setting (it is set for one process or one shell); neither: cpu. */
export function resolveProviderRequest(sources: {
  readonly environment: string | undefined;
  /** The workspace setting by its key (settings-repo.ts names the keys), with its value or null when unset. */
  readonly setting: { readonly key: string; readonly value: string | null };
}): ProviderRequest {
  const fromEnvironment = sources.environment?.trim();
  if (fromEnvironment) return parseProviderRequest(fromEnvironment, `$${providerEnvironmentVariable}`);
  if (sources.setting.value !== null) return parseProviderRequest(sources.setting.value, `The workspace setting ${sources.setting.key}`);
  return cpuOnly;
}
