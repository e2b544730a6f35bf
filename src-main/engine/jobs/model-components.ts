// The one place a run opens a component of a model ("model", "image", "text", "denoiser", "vae_encoder", …) by its
// spec and role: an ONNX file through ONNX Runtime, or a model served over the network through the KServe v2
// client. Both give an OnnxModel, so the adapters and every attack use either unchanged.
import { MiaError } from '../../common/errors';
import type { ExecutionProviderName } from '../models/execution-provider-request';
import { openOnnxModel, type OnnxModel } from '../models/onnx-session';
import type { AttackTask, ModelSpec } from './attack-task';
import { fileOf } from './family-runtime';
import { createRemoteComponents, type RemoteComponents } from './remote-components';

export interface ModelComponents {
  open(spec: ModelSpec, role: string): Promise<OnnxModel>;
  /** What the run's remote components cost (requests sent, answered from the cache), for the run's notes. */
  notes(): string[];
}

export function createModelComponents(
  task: AttackTask,
  options: { readonly threads: number; readonly signal?: AbortSignal; readonly executionProvider?: ExecutionProviderName },
): ModelComponents {
  let remote: RemoteComponents | null = null;
  return {
    async open(spec, role) {
      const served = spec.remote?.components[role];
      if (spec.remote && served) {
        remote ??= createRemoteComponents(task);
        return remote.open(spec.remote.endpoint, served, options.signal);
      }
      if (spec.remote && !spec.files[role]) {
        throw new MiaError(
          'remote.unsupported-component',
          `Model "${spec.name}" is served at ${spec.remote.endpoint.url} without a ${role} component, and has no local ${role} file either.`,
        );
      }
      return openOnnxModel(fileOf(spec, role), { intraOpNumThreads: options.threads, executionProvider: options.executionProvider });
    },
    notes: () => remote?.notes() ?? [],
  };
}

/**
 * Opens the listed components of a model and hands them, in that order, to an adapter's `create…`; when one fails to
 * open or the adapter refuses them, the ones already opened are released.
 */
export async function openAdapted<Adapter>(
  components: ModelComponents,
  spec: ModelSpec,
  roles: readonly string[],
  create: (models: OnnxModel[]) => Adapter,
): Promise<Adapter> {
  const models: OnnxModel[] = [];
  try {
    for (const role of roles) models.push(await components.open(spec, role));
    return create(models);
  } catch (error) {
    await Promise.allSettled(models.map((model) => model.release()));
    throw error;
  }
}

/** Whether the model has this component, as a local file or on its server. */
export function hasComponent(spec: ModelSpec, role: string): boolean {
  return spec.files[role] !== undefined || spec.remote?.components[role] !== undefined;
}
