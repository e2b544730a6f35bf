// Whether an ONNX Runtime execution provider can open a session on this machine, and the provider a run therefore
// uses: the one place the effective provider is decided (execution-provider-request.ts reads what was asked for).
import * as ort from 'onnxruntime-node';
import { MiaError } from '../../common/errors';
import { providerEnvironmentVariable, type ExecutionProviderName, type ProviderRequest } from './execution-provider-request';
import { providerProbeModel } from './provider-probe-model';

export type ProviderAvailability = { readonly available: true } | { readonly available: false; readonly missing: string };

/** The files a CUDA install (ONNXRUNTIME_NODE_INSTALL=cuda12) puts beside onnxruntime_binding.node on this platform. */
function cudaProviderLibraries(): string {
  return process.platform === 'win32'
    ? 'onnxruntime_providers_shared.dll and onnxruntime_providers_cuda.dll'
    : 'libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so';
}

async function probeProvider(provider: ExecutionProviderName): Promise<ProviderAvailability> {
  if (provider === 'cpu') return { available: true };
  const listed = ort.listSupportedBackends().map((backend) => backend.name);
  if (!listed.includes(provider)) {
    return {
      available: false,
      missing: `this build of onnxruntime-node has no ${provider} provider (it lists ${listed.join(', ')})`,
    };
  }
  try {
    // Opening a session is what loads the provider's libraries and finds a device; a one-node model makes it cheap.
    const session = await ort.InferenceSession.create(providerProbeModel(), { executionProviders: [provider] });
    await session.release();
    return { available: true };
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return {
      available: false,
      missing: `onnxruntime-node could not open a session with it (${cause}); it needs ${cudaProviderLibraries()} beside onnxruntime_binding.node (npm install with ONNXRUNTIME_NODE_INSTALL=cuda12), CUDA 12, cuDNN 9 and an NVIDIA GPU`,
    };
  }
}

/** Checked once per process (the engine host, or the service at Start): the answer does not change while it runs. */
const availability = new Map<ExecutionProviderName, Promise<ProviderAvailability>>();

export function checkProviderAvailability(provider: ExecutionProviderName): Promise<ProviderAvailability> {
  let known = availability.get(provider);
  if (!known) {
    known = probeProvider(provider);
    availability.set(provider, known);
  }
  return known;
}

/** The provider a run uses, with a note for the run's log when it fell back to the CPU. */
export interface SelectedProvider {
  readonly provider: ExecutionProviderName;
  readonly note: string | null;
}

/** Refuses an unavailable provider with engine.provider-unavailable unless the request allows the CPU instead. */
export async function selectExecutionProvider(request: ProviderRequest): Promise<SelectedProvider> {
  const found = await checkProviderAvailability(request.provider);
  if (found.available) return { provider: request.provider, note: null };
  if (request.fallbackToCpu) {
    return {
      provider: 'cpu',
      note: `The ${request.provider} execution provider was asked for but is unavailable, so the run used the CPU (the fallback was allowed): ${found.missing}.`,
    };
  }
  throw new MiaError(
    'engine.provider-unavailable',
    `The ${request.provider} execution provider is unavailable: ${found.missing}. Choose cpu, or allow the CPU fallback with ${providerEnvironmentVariable}=${request.provider},cpu.`,
    { provider: request.provider, missing: found.missing },
  );
}
