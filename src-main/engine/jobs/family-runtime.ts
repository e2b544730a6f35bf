// Opens the models of a run for its target family: the target, reference/shadow models with their training
// manifests, and the null model, each wrapped the way that family's attacks expect.
import type { ModelKind } from '../../../src-shared/domain/models';
import { MiaError } from '../../common/errors';
import type { AttackTask, ModelSpec } from './attack-task';
import type { CallProgress } from './call-progress';
import { createModelComponents, type ModelComponents } from './model-components';
import type { RecordImages } from './record-images';
import { openClassifierRuntime } from './runtimes/classifier-runtime';
import { openClipRuntime } from './runtimes/clip-runtime';
import { openDiffusionRuntime } from './runtimes/diffusion-runtime';

export interface FamilyRuntime {
  readonly target: unknown;
  readonly models: unknown;
  /** The null model wrapped like the target, when the run has one. */
  readonly nullTarget: unknown | null;
  release(): Promise<void>;
}

export interface RuntimeOptions {
  readonly images: RecordImages;
  readonly progress: CallProgress;
  readonly signal: AbortSignal;
  readonly threads: number;
  /** Opens each model component, local or remote; the runtimes open nothing any other way. One for the task when absent. */
  readonly components?: ModelComponents;
}

/** The options a family's runtime opens its models with: the components always given. */
export type OpenerOptions = RuntimeOptions & { readonly components: ModelComponents };

export function fileOf(spec: ModelSpec, role: string): string {
  const entry = spec.files[role];
  if (!entry) throw new MiaError('model.missing-file', `Model "${spec.name}" has no ${role} file.`);
  return entry.path;
}

export async function releaseAll(adapters: readonly { release(): Promise<void> }[]): Promise<void> {
  await Promise.allSettled(adapters.map((adapter) => adapter.release()));
}

export type RuntimeOpener = (task: AttackTask, options: OpenerOptions) => Promise<FamilyRuntime>;

/** One opener per target family; a family without one has no attacks in this build. */
const openers: Partial<Record<ModelKind, RuntimeOpener>> = {
  classifier: openClassifierRuntime,
  clip: openClipRuntime,
  diffusion: openDiffusionRuntime,
};

export async function openFamilyRuntime(task: AttackTask, family: ModelKind, options: RuntimeOptions): Promise<FamilyRuntime> {
  const opener = openers[family];
  if (!opener) throw new MiaError('attack.family-unavailable', `Attacks on ${family} models are not available in this build yet.`);
  const components = options.components ?? createModelComponents(task, { threads: options.threads, signal: options.signal });
  return opener(task, { ...options, components });
}
