// The shape every attack module has: identity, a parameter schema with defaults (the UI form and the CLI
// config are generated from it), what inputs it needs, and run(ctx). The registry lists the modules;
// nothing else in the workbench switches on attack names.
import type { z } from 'zod';
import type { ModelCallBreakdown, TargetStructure } from '../../../src-shared/domain/model-calls';
import type { ModelKind } from '../../../src-shared/domain/models';
import type { ClassifierAccess, DiffusionAccess } from '../../../src-shared/domain/target-access';
import type { JobContext } from '../jobs/job-context';
import type { SeededRandom } from '../random/seeded-random';
import type { RunRecord } from './run-record';

/** Inputs an attack can ask for besides the target model and the audited records. */
export interface AttackNeeds {
  /** Shadow models with manifests (Shokri). */
  readonly shadowModels?: 'required' | 'optional';
  /** Reference models trained on known halves of a population (LiRA, RMIA). */
  readonly referenceModels?: 'required' | 'optional';
  /** Record roles that must be present in the dataset, beyond `audit`. */
  readonly roles?: readonly string[];
  /**
   * Diffusion targets: the access the attack can work through. Absent means the denoiser's ε-predictions only; an
   * attack without 'image-variation' is refused before Start on a target that is an image-variation API
   * (target-access.ts).
   */
  readonly diffusionAccess?: readonly DiffusionAccess[];
  /**
   * Classifier targets: the access the attack can work through. Absent means the outputs (probabilities or logits)
   * only; an attack without 'labels' is refused before Start on a label-only target (target-access.ts).
   */
  readonly classifierAccess?: readonly ClassifierAccess[];
  /**
   * The attack trains a model while it runs with the PyTorch training bridge (qmia's quantile regressor): a run is
   * refused before Start when no Python with PyTorch is found.
   */
  readonly python?: 'required';
}

export interface AttackResult {
  /** Record ids in the order of `scores`; every audited record exactly once. */
  readonly recordIds: Int32Array;
  /** One score per record, higher = more likely a member. */
  readonly scores: Float64Array;
  /** Calls of every component of the model (a diffusion pipeline's denoiser, VAE and text encoder together). */
  readonly modelCalls: number;
  /** Plain-words remarks the run shows (fallbacks taken, variants used). */
  readonly notes: readonly string[];
  /**
   * Attack-specific figures stored beside the standard metrics (e.g. Shokri's precision at 0.5); `slice` (default '')
   * for figures that are one row per point, like a set-level test's power curve.
   */
  readonly extraMetrics?: readonly { name: string; value: number | null; note?: string | null; slice?: string }[];
  /**
   * A decision threshold that belongs to the attack itself (Shokri's attack models decide at 0.5); precision and
   * recall are reported there. Without it they are reported at the threshold chosen on calibration records.
   */
  readonly decisionThreshold?: { readonly threshold: number; readonly reason: string };
}

export interface AttackContext<Params, Target, Models> extends JobContext {
  readonly params: Params;
  readonly random: SeededRandom;
  readonly target: Target;
  /** The records to score: the audited records and the calibration records, in this order. */
  readonly records: readonly RunRecord[];
  /** Every record of the dataset, whatever its role (population, auxiliary pool, guaranteed non-members …). */
  readonly dataset: readonly RunRecord[];
  readonly models: Models;
}

/** What the model-call estimate is computed from: record and model counts and the target's structure. */
export interface EstimateCounts {
  /** Scored records: the audited and the calibration records. */
  readonly audited: number;
  readonly references: number;
  readonly shadows: number;
  readonly target: TargetStructure;
  /** Records of each role in the dataset, for attacks that query the target on other roles too (qmia: population). */
  readonly roleCounts?: Readonly<Partial<Record<string, number>>>;
}

export interface AttackModule<Schema extends z.ZodType = z.ZodType, Target = unknown, Models = unknown> {
  readonly id: string;
  readonly family: ModelKind;
  readonly title: string;
  /** One paragraph for the UI and the PDF methodology section: threat model and what the score means. */
  readonly description: string;
  readonly params: Schema;
  readonly needs: AttackNeeds;
  /**
   * Present for a set-level test (set inference): it scores the records of these roles instead of the audited and
   * calibration records, no per-record metric or validity check is computed, and its `extraMetrics` are the run's
   * metrics. Such an attack does not need `audit` records.
   */
  readonly setLevel?: { readonly scoredRoles: readonly string[] };
  /**
   * Model calls the attack will make, per component of the target, for the estimate shown before a run starts and the
   * run's progress total; a finished run counts the same calls.
   */
  estimateModelCalls(params: z.output<Schema>, counts: EstimateCounts): ModelCallBreakdown;
  run(ctx: AttackContext<z.output<Schema>, Target, Models>): Promise<AttackResult>;
}
