// The one contract between the renderer and the backend: channel names, a zod schema for every request,
// response and event, and the TypeScript types inferred from them. Main, preload, the headless host and the
// renderer all read this file; nothing else defines a channel. Schemas by domain live in contract-*.ts beside it
// (shared pieces, models, run reports, training) and are re-exported from here, so callers import one module.
import { z } from 'zod';
import {
  PythonProbe,
  SplitPlanRequest,
  SplitPlanSummary,
  TrainingJobRef,
  TrainingProgress,
  TrainingResubmitRequest,
  TrainingSettings,
  TrainingSettingsUpdate,
  TrainingStartRequest,
} from './contract-training';
import {
  DatasetSourceKind,
  DatasetSummary,
  ErrorPayload,
  Id,
  ModelKind,
  ModelSummary,
  NoRequest,
  OneLine,
  RecordPageQuery,
  RecordRole,
  RunStatus,
  RunSummary,
  Seed,
  TrainingJobSummary,
} from './contract-common';
import { ModelCallBreakdown } from '../domain/model-calls';
import { EpsilonDelta } from '../domain/privacy-bound';
import { maxRunNameLength } from '../domain/runs';
import { ClassifierAccess, DiffusionAccess } from '../domain/target-access';
import { AuditSettings, AuditSettingsUpdate, PolicyVerdicts } from './contract-audit';
import { ChooseOpenAnswer, ChooseOpenRequest, FolderListRequest, FolderListing } from './contract-files';
import { ApiKeyDeleteRequest, ApiKeySetRequest, ApiKeyStatus } from './contract-keys';
import {
  DataFitReport,
  ModelCheckReport,
  ModelDetails,
  ModelImportRequest,
  ModelRemoteImportRequest,
  ModelSetImportRequest,
  ModelSetSummary,
} from './contract-models';
import {
  ExportedFiles,
  ExposedRecords,
  ExposedRecordsRequest,
  RecordCounts,
  ReportExportRequest,
  RunCurves,
  RunCurvesRequest,
  RunDetails,
} from './contract-reports';
import { DatasetRenameRequest, ItemDeleted, ModelNullLinkRequest, ModelRenameRequest } from './contract-tidy';
import { ModelPreprocessRequest } from './contract-preprocess';

export * from './contract-audit';
export * from './contract-common';
export * from './contract-files';
export * from './contract-keys';
export * from './contract-models';
export * from './contract-preprocess';
export * from './contract-reports';
export * from './contract-training';
export * from './contract-tidy';

// ---- requests and responses defined here; the rest come from the contract-*.ts files -------------------

export const WorkspaceInfo = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  engineVersion: z.string(),
  counts: z.object({
    datasets: z.number().int(),
    records: z.number().int(),
    models: z.number().int(),
    runs: z.number().int(),
  }),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const RunStartRequest = z.strictObject({
  attack: z.string().min(1),
  targetModelId: Id,
  datasetId: Id,
  seed: Seed,
  params: z.record(z.string(), z.unknown()).default({}),
  /** Reference models (LiRA, RMIA) or shadow models (Shokri), imported as a set with their manifest. */
  referenceSetId: Id.optional(),
  shadowSetId: Id.optional(),
  /** A model known not to have seen the members; the same attack against it should give AUC ≈ 0.5. */
  nullModelId: Id.optional(),
  /** The auditor's choice to run on images resized to the target's input size; without it a size mismatch is refused. */
  resize: z.boolean().optional(),
  /** For a model served over the network: the most infer requests the run may send (cached responses are free). */
  queryBudget: z.number().int().positive().max(1_000_000_000).optional(),
  /** δ of the run's empirical ε lower bound, in (0, 0.1]; absent: 1e-5. Stored with the run, so a re-run or resume keeps it. */
  epsilonDelta: EpsilonDelta.optional(),
});
export type RunStartRequest = z.input<typeof RunStartRequest>;

export const RunProgress = z.object({
  runId: Id,
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  unit: z.string(),
  ratePerSecond: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type RunProgress = z.infer<typeof RunProgress>;

export const RunStatusChanged = z.object({ runId: Id, status: RunStatus, error: ErrorPayload.nullable() });
export type RunStatusChanged = z.infer<typeof RunStatusChanged>;

export const DatasetImportRequest = z
  .strictObject({
    kind: DatasetSourceKind,
    /** Manifest file, ImageFolder root, IDX image file or CIFAR batch file. */
    path: z.string().min(1),
    /** IDX only: the label file (idx1-ubyte, gzip or not). Without it the records have no label. */
    labelsPath: z.string().min(1).optional(),
    /** CIFAR only: which layout; worked out from the file size when omitted. */
    cifarVariant: z.enum(['cifar-10', 'cifar-100']).optional(),
    /** Shown in the UI; defaults to the file or folder name. */
    name: z.string().trim().min(1).max(200).optional(),
    /** Role for records whose source does not say (IDX, CIFAR, ImageFolder, a manifest without a role). */
    defaultRole: RecordRole.default('audit'),
    /** Membership for records whose source does not say; null = unknown. */
    defaultMember: z.union([z.literal(0), z.literal(1), z.null()]).default(null),
    /** Without it, content already in the workspace is refused with dataset.duplicate naming the existing dataset. */
    allowDuplicate: z.boolean().optional(),
  })
  .refine((request) => request.labelsPath === undefined || request.kind === 'idx', {
    message: 'labelsPath is only used with kind "idx"',
    path: ['labelsPath'],
  })
  .refine((request) => request.cifarVariant === undefined || request.kind === 'cifar', {
    message: 'cifarVariant is only used with kind "cifar"',
    path: ['cifarVariant'],
  });
export type DatasetImportRequest = z.input<typeof DatasetImportRequest>;

export const RecordPage = z.object({
  total: z.number().int().nonnegative(),
  items: z.array(
    z.object({
      id: Id,
      key: z.string(),
      path: z.string(),
      sourceIndex: z.number().int().nullable(),
      width: z.number().int(),
      height: z.number().int(),
      label: z.number().int().nullable(),
      caption: z.string().nullable(),
      member: z.union([z.literal(0), z.literal(1)]).nullable(),
      role: RecordRole,
      thumbnail: z.instanceof(Uint8Array).optional(),
    }),
  ),
});
export type RecordPage = z.infer<typeof RecordPage>;

// ---- attacks and run planning ----------------------------------------------------------------------------

export const AttackDescription = z.object({
  id: z.string(),
  family: ModelKind,
  title: z.string(),
  description: z.string(),
  needs: z.object({
    shadowModels: z.enum(['required', 'optional']).optional(),
    referenceModels: z.enum(['required', 'optional']).optional(),
    roles: z.array(z.string()).optional(),
    /** How a diffusion attack may reach its target; absent: through the denoiser only (not through an image-variation API). */
    diffusionAccess: z.array(DiffusionAccess).optional(),
    /** How a classifier attack may reach its target; absent: through its probabilities or logits only (not a label-only target). */
    classifierAccess: z.array(ClassifierAccess).optional(),
    /** The attack trains a model with PyTorch while it runs (qmia): New run asks training.python before Start. */
    python: z.literal('required').optional(),
  }),
  /** The parameter schema as JSON Schema (input side: defaults, bounds, enums, descriptions); the form is built from it. */
  paramsSchema: z.record(z.string(), z.unknown()),
});
export type AttackDescription = z.infer<typeof AttackDescription>;

/**
 * Set-level inference as New run offers it: a test over a base attack (any attack of the target's family), run on the
 * dataset's records with these roles; `paramsSchema` holds its own parameters (the base and its parameters are picked
 * beside them).
 */
export const SetInferenceDescription = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  roles: z.array(z.string()),
  paramsSchema: z.record(z.string(), z.unknown()),
});
export type SetInferenceDescription = z.infer<typeof SetInferenceDescription>;

export const RunEstimate = z.object({
  /** Every component together: the figure the run's progress counts to. */
  modelCalls: z.number().int().nonnegative(),
  /** The same calls per component of the target (a pipeline's unet, vae_encoder, vae_decoder, text_encoder; else model). */
  components: ModelCallBreakdown,
  /** Audited plus calibration records: what the attack scores. */
  scoredRecords: z.number().int().nonnegative(),
  references: z.number().int().nonnegative(),
  shadows: z.number().int().nonnegative(),
  /** The null-model check repeats the attack against the null model. */
  includesNullModel: z.boolean(),
  /** Infer requests to the servers of remote models (one per batch an adapter sends), before the cache; null when none is remote. */
  remoteRequests: z.number().int().nonnegative().nullable().optional(),
  /** remoteRequests times the price per request the auditor set for the endpoint; null without a price. */
  remoteCost: z.number().nonnegative().nullable().optional(),
});
export type RunEstimate = z.infer<typeof RunEstimate>;

const RunRef = z.strictObject({ runId: Id });

/** Renames, tags or annotates a run (finished ones too: these label a result, they are not part of it). */
export const RunDescribeRequest = z
  .strictObject({
    runId: Id,
    name: OneLine.trim().min(1).max(maxRunNameLength).optional(),
    /** At most 20 distinct tags of 1–40 characters. */
    tags: z
      .array(OneLine.trim().min(1).max(40))
      .max(20)
      .refine((tags) => new Set(tags).size === tags.length, 'tags must be distinct')
      .optional(),
    note: z.string().max(4000).optional(),
  })
  .refine((r) => r.name !== undefined || r.tags !== undefined || r.note !== undefined, 'give a name, tags or a note to change');
export type RunDescribeRequest = z.input<typeof RunDescribeRequest>;

// ---- channels --------------------------------------------------------------------------------------------

/** Every request/response channel. Names are `<domain>.<task>`; the domain becomes the API namespace. */
export const channels = {
  'workspace.info': { request: NoRequest, response: WorkspaceInfo },
  'datasets.list': { request: NoRequest, response: z.array(DatasetSummary) },
  'datasets.import': {
    request: DatasetImportRequest,
    response: z.object({ dataset: DatasetSummary, skipped: z.array(z.string()) }),
  },
  'datasets.records': { request: RecordPageQuery, response: RecordPage },
  'datasets.counts': { request: z.strictObject({ datasetId: Id }), response: RecordCounts },
  'datasets.rename': { request: DatasetRenameRequest, response: DatasetSummary },
  /** Deletes a dataset no run or training job uses, with its records and thumbnails; the source files stay. */
  'datasets.delete': { request: z.strictObject({ datasetId: Id }), response: ItemDeleted },
  'models.list': { request: NoRequest, response: z.array(ModelSummary) },
  'models.import': { request: ModelImportRequest, response: ModelSummary },
  /** A model served over the network (KServe v2): its readiness and metadata are read through the engine's client. */
  'models.importRemote': { request: ModelRemoteImportRequest, response: ModelSummary },
  'models.importSet': { request: ModelSetImportRequest, response: z.object({ set: ModelSetSummary, models: z.array(ModelSummary) }) },
  'models.sets': { request: NoRequest, response: z.array(ModelSetSummary) },
  'models.details': { request: z.strictObject({ modelId: Id }), response: ModelDetails },
  'models.check': { request: z.strictObject({ modelId: Id, datasetId: Id }), response: ModelCheckReport },
  /** The data-fit part of models.check from stored facts only (no file is hashed): New run asks it on every pick. */
  'models.fit': { request: z.strictObject({ modelId: Id, datasetId: Id }), response: DataFitReport },
  'models.rename': { request: ModelRenameRequest, response: ModelSummary },
  /** Deletes a model no run, set or training job uses; its files are the auditor's and stay where they are. */
  'models.delete': { request: z.strictObject({ modelId: Id }), response: ItemDeleted },
  /** Marks a null model as the one for a target (New run pre-selects it), or clears the mark. */
  'models.setNullModel': { request: ModelNullLinkRequest, response: ModelSummary },
  /** The auditor's normalisation override (a preset, mean/std); runs record the preprocessing they started with. */
  'models.setPreprocess': { request: ModelPreprocessRequest, response: ModelSummary },
  'attacks.list': { request: NoRequest, response: z.array(AttackDescription) },
  'attacks.setInference': { request: NoRequest, response: SetInferenceDescription },
  'runs.list': { request: NoRequest, response: z.array(RunSummary) },
  'runs.get': { request: z.strictObject({ runId: Id }), response: RunSummary },
  'runs.start': { request: RunStartRequest, response: RunSummary },
  'runs.cancel': { request: z.strictObject({ runId: Id }), response: RunSummary },
  'runs.describe': { request: RunDescribeRequest, response: RunSummary },
  'runs.estimate': { request: RunStartRequest, response: RunEstimate },
  'runs.details': { request: RunRef, response: RunDetails },
  'runs.curves': { request: RunCurvesRequest, response: RunCurves },
  'runs.exposed': { request: ExposedRecordsRequest, response: ExposedRecords },
  'runs.rerun': { request: RunRef, response: RunSummary },
  /** An interrupted run re-run under its own id, from its stored configuration, after its inputs are re-verified. */
  'runs.resume': { request: RunRef, response: RunSummary },
  /** Deletes an interrupted run and its partial scores. */
  'runs.discard': { request: RunRef, response: z.object({ runId: Id }) },
  /** Deletes a run that has landed (finished, failed, cancelled, interrupted) with its scores; never a queued or running one. */
  'runs.delete': { request: RunRef, response: ItemDeleted },
  /** The PDF report and CSVs of finished runs, the same files `mia export` writes, where the front door says. */
  'reports.export': { request: ReportExportRequest, response: ExportedFiles },
  'settings.get': { request: NoRequest, response: TrainingSettings },
  'settings.update': { request: TrainingSettingsUpdate, response: TrainingSettings },
  /** The workspace's risk policy file and the prior fraction of members precision is stated for. */
  'audit.settings': { request: NoRequest, response: AuditSettings },
  'audit.updateSettings': { request: AuditSettingsUpdate, response: AuditSettings },
  /** Each target's finished runs judged against the policy, as `mia audit --policy` judges them; a bad policy is its error. */
  'audit.verdicts': { request: NoRequest, response: PolicyVerdicts },
  /** Which Python with PyTorch the training bridge would use, and why others were passed over. */
  'training.python': { request: NoRequest, response: PythonProbe },
  /** Writes a seeded split plan (plan.json, manifest.json, splits.csv) for the auditor's own training pipeline. */
  'training.plan': { request: SplitPlanRequest, response: SplitPlanSummary },
  /** Plans, then trains the models with the bundled recipe, exports them to ONNX and imports them as a set. */
  'training.start': { request: TrainingStartRequest, response: TrainingJobSummary },
  'training.list': { request: NoRequest, response: z.array(TrainingJobSummary) },
  'training.cancel': { request: TrainingJobRef, response: TrainingJobSummary },
  /** Submits failed array tasks of a failed Slurm training job again, by index only; the job runs again. */
  'training.resubmit': { request: TrainingResubmitRequest, response: TrainingJobSummary },
  /** A file or folder to open, for a purpose: the app's native dialog answers; elsewhere the page is told to browse. */
  'files.chooseOpen': { request: ChooseOpenRequest, response: ChooseOpenAnswer },
  /** One folder on the host's disk (names, kinds, sizes, times; never a file's content), where the front door offers it. */
  'files.list': { request: FolderListRequest, response: FolderListing },
  /** Which API key names the app's encrypted store holds (never a key), or that this front door reads keys from its environment. */
  'keys.list': { request: NoRequest, response: ApiKeyStatus },
  /** Stores a key under the variable name a remote target's apiKeyEnv gives; only the app offers it (keys.not-offered elsewhere). */
  'keys.set': { request: ApiKeySetRequest, response: ApiKeyStatus },
  'keys.delete': { request: ApiKeyDeleteRequest, response: ApiKeyStatus },
} as const;

/** Every event the backend pushes to the renderer. */
export const events = {
  'runs.progress': RunProgress,
  'runs.status': RunStatusChanged,
  'training.progress': TrainingProgress,
  'training.status': TrainingJobSummary,
} as const;

export type Channel = keyof typeof channels;
export type EventName = keyof typeof events;
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ParsedRequestOf<C extends Channel> = z.output<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<(typeof channels)[C]['response']>;
export type EventPayloadOf<E extends EventName> = z.infer<(typeof events)[E]>;

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

// ---- the task-level API shape ---------------------------------------------------------------------------

type Namespace<C extends string> = C extends `${infer N}.${string}` ? N : never;
type MethodsOf<N extends string> = {
  [C in Channel as C extends `${N}.${infer M}` ? M : never]: (request?: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
};

/**
 * What `window.mia` (Electron preload) and the WebSocket bridge (headless host) both provide:
 * `mia.runs.start(config)` and friends, each answering a Result, plus event subscription.
 */
export type MiaBridge = { [N in Namespace<Channel>]: MethodsOf<N> } & {
  events: { on<E extends EventName>(event: E, listener: (payload: EventPayloadOf<E>) => void): () => void };
};

export interface BridgeTransport {
  invoke(channel: Channel, request: unknown): Promise<Result<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** Builds the task-level API over any transport; both front-end bridges call this, so they cannot drift. */
export function createBridge(transport: BridgeTransport): MiaBridge {
  const bridge: Record<string, Record<string, unknown>> = {};
  for (const channel of Object.keys(channels) as Channel[]) {
    const [namespace, method] = channel.split('.') as [string, string];
    bridge[namespace] ??= {};
    bridge[namespace][method] = (request?: unknown) => transport.invoke(channel, request);
  }
  bridge.events = {
    on: (event: EventName, listener: (payload: unknown) => void) => {
      if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`);
      return transport.subscribe(event, listener);
    },
  };
  return bridge as unknown as MiaBridge;
}
