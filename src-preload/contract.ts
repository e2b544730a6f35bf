// The one contract between the renderer and the backend: channel names, a zod schema for every request,
// response and event, and the TypeScript types inferred from them. Main, preload, the headless host and the
// renderer all read this file; nothing else defines a channel.
import { z } from 'zod';
import {
  PythonProbe,
  SplitPlanRequest,
  SplitPlanSummary,
  TrainingJobRef,
  TrainingJobSummary,
  TrainingProgress,
  TrainingSettings,
  TrainingSettingsUpdate,
  TrainingStartRequest,
} from './contract-training';

export * from './contract-training';

// ---- shared pieces -------------------------------------------------------------------------------------

export const recordRoles = ['audit', 'calibration', 'aux', 'population', 'nonmember-reference', 'pool'] as const;
export const RecordRole = z.enum(recordRoles);
export type RecordRole = z.infer<typeof RecordRole>;

export const ModelKind = z.enum(['classifier', 'clip', 'diffusion']);
export type ModelKind = z.infer<typeof ModelKind>;

export const RunStatus = z.enum(['queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const DatasetSourceKind = z.enum(['manifest-csv', 'manifest-jsonl', 'imagefolder', 'idx', 'cifar']);
export type DatasetSourceKind = z.infer<typeof DatasetSourceKind>;

export const ErrorPayload = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

const Id = z.number().int().positive();
const NoRequest = z.strictObject({}).optional();

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

export const DatasetSummary = z.object({
  id: Id,
  name: z.string(),
  sourceKind: DatasetSourceKind,
  sourcePath: z.string(),
  recordCount: z.number().int(),
  classNames: z.array(z.string()).nullable(),
  roleCounts: z.record(z.string(), z.number().int()),
  createdAt: z.string(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

export const ModelSummary = z.object({
  id: Id,
  name: z.string(),
  kind: ModelKind,
  role: z.enum(['target', 'shadow', 'reference', 'null']),
  sha256: z.string(),
  createdAt: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const RunSummary = z.object({
  id: Id,
  attack: z.string(),
  family: ModelKind,
  status: RunStatus,
  targetModelId: Id,
  datasetId: Id,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  modelCalls: z.number().int(),
  error: ErrorPayload.nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunStartRequest = z.strictObject({
  attack: z.string().min(1),
  targetModelId: Id,
  datasetId: Id,
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Reference models (LiRA, RMIA) or shadow models (Shokri), imported as a set with their manifest. */
  referenceSetId: Id.optional(),
  shadowSetId: Id.optional(),
  /** A model known not to have seen the members; the same attack against it should give AUC ≈ 0.5. */
  nullModelId: Id.optional(),
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
  })
  .refine((request) => request.labelsPath === undefined || request.kind === 'idx', { message: 'labelsPath is only used with kind "idx"', path: ['labelsPath'] })
  .refine((request) => request.cifarVariant === undefined || request.kind === 'cifar', { message: 'cifarVariant is only used with kind "cifar"', path: ['cifarVariant'] });
export type DatasetImportRequest = z.input<typeof DatasetImportRequest>;

export const RecordPageQuery = z.strictObject({
  datasetId: Id,
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(500).default(100),
  role: RecordRole.optional(),
  /** A class index, or null for records without a label. */
  label: z.number().int().nonnegative().nullable().optional(),
  /** 1, 0, or null for unknown membership. */
  member: z.union([z.literal(0), z.literal(1), z.null()]).optional(),
  withThumbnails: z.boolean().default(false),
});
export type RecordPageQuery = z.input<typeof RecordPageQuery>;

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

// ---- models: import, sets, details, checks ---------------------------------------------------------------

const FilePath = z.string().min(1);
const ImportRole = z.enum(['target', 'null', 'shadow', 'reference']).default('target');
/**
 * Explicit settings that win over the model's sidecar. The contract keeps them open (the renderer must not import
 * engine schemas); the model import service validates them against the family's own configuration schema.
 */
const ImportOverrides = z.record(z.string(), z.unknown()).optional();

export const ModelImportRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('classifier'),
    name: z.string().trim().min(1).optional(),
    role: ImportRole,
    modelPath: FilePath,
    /** Defaults to `<model>.json` beside the model when that file exists. */
    sidecarPath: FilePath.optional(),
    config: ImportOverrides,
  }),
  z.strictObject({
    kind: z.literal('clip'),
    name: z.string().trim().min(1).optional(),
    role: ImportRole,
    imageModelPath: FilePath,
    textModelPath: FilePath,
    tokenizerPath: FilePath,
    tokenizerConfigPath: FilePath.optional(),
    sidecarPath: FilePath.optional(),
    textSidecarPath: FilePath.optional(),
    config: ImportOverrides,
  }),
  z.strictObject({
    kind: z.literal('diffusion'),
    name: z.string().trim().min(1).optional(),
    role: ImportRole,
    modelPath: FilePath,
    schedulerPath: FilePath.optional(),
    sidecarPath: FilePath.optional(),
    vaeEncoderPath: FilePath.optional(),
    vaeDecoderPath: FilePath.optional(),
    config: ImportOverrides,
  }),
]);
export type ModelImportRequest = z.input<typeof ModelImportRequest>;

/** A reference/shadow set from its manifest `{ "models": [ { "path", "trained_on" } ] }`. */
export const ModelSetImportRequest = z.strictObject({
  name: z.string().trim().min(1).optional(),
  purpose: z.enum(['shadow', 'reference']),
  manifestPath: FilePath,
  config: ImportOverrides,
});
export type ModelSetImportRequest = z.input<typeof ModelSetImportRequest>;

export const ModelSetSummary = z.object({
  id: Id,
  name: z.string(),
  purpose: z.enum(['shadow', 'reference']),
  manifestPath: z.string(),
  modelCount: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type ModelSetSummary = z.infer<typeof ModelSetSummary>;

export const TensorDescription = z.object({
  name: z.string(),
  dtype: z.string(),
  /** Fixed sizes, or the names of free dimensions ("batch"). */
  shape: z.array(z.union([z.number(), z.string()])),
});
export type TensorDescription = z.infer<typeof TensorDescription>;

export const ModelDetails = z.object({
  model: ModelSummary,
  modelSetId: Id.nullable(),
  files: z.array(z.object({ role: z.string(), path: z.string(), sha256: z.string() })),
  /** Per file role ("model", "image", "text", "denoiser", …): inputs and outputs as read from the model. */
  io: z.record(z.string(), z.object({ inputs: z.array(TensorDescription), outputs: z.array(TensorDescription) })),
  config: z.record(z.string(), z.unknown()),
  /** Records the model was trained on (reference/shadow manifests), or null when unknown. */
  trainedOnCount: z.number().int().nonnegative().nullable(),
});
export type ModelDetails = z.infer<typeof ModelDetails>;

export const ModelCheckReport = z.object({
  modelId: Id,
  datasetId: Id,
  /** True when every finding is "ok". */
  compatible: z.boolean(),
  findings: z.array(z.object({ check: z.string(), status: z.enum(['ok', 'problem']), message: z.string(), code: z.string().nullable() })),
});
export type ModelCheckReport = z.infer<typeof ModelCheckReport>;

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
  }),
  /** The parameter schema as JSON Schema (input side: defaults, bounds, enums, descriptions); the form is built from it. */
  paramsSchema: z.record(z.string(), z.unknown()),
});
export type AttackDescription = z.infer<typeof AttackDescription>;

export const RunEstimate = z.object({
  modelCalls: z.number().int().nonnegative(),
  /** Audited plus calibration records: what the attack scores. */
  scoredRecords: z.number().int().nonnegative(),
  references: z.number().int().nonnegative(),
  shadows: z.number().int().nonnegative(),
  /** The null-model check repeats the attack against the null model. */
  includesNullModel: z.boolean(),
});
export type RunEstimate = z.infer<typeof RunEstimate>;

// ---- run reports -----------------------------------------------------------------------------------------

export const StoredMetricRow = z.object({
  name: z.string(),
  /** '' for the whole audit set, `class:<index>` for a class. */
  slice: z.string(),
  value: z.number().nullable(),
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  note: z.string().nullable(),
});
export type StoredMetricRow = z.infer<typeof StoredMetricRow>;

export const StoredCheckRow = z.object({
  kind: z.enum(['polarity', 'null-model', 'blind-baseline']),
  status: z.enum(['ok', 'warn', 'not-applicable']),
  value: z.number().nullable(),
  message: z.string(),
});
export type StoredCheckRow = z.infer<typeof StoredCheckRow>;

export const RunDetails = z.object({
  run: RunSummary,
  targetModelName: z.string().nullable(),
  datasetName: z.string().nullable(),
  config: z.record(z.string(), z.unknown()),
  metrics: z.array(StoredMetricRow),
  checks: z.array(StoredCheckRow),
  log: z.array(z.object({ at: z.string(), level: z.string(), message: z.string() })),
});
export type RunDetails = z.infer<typeof RunDetails>;

export const RunCurvesRequest = z.strictObject({
  runId: Id,
  /** Most ROC points to draw (log-spaced on FPR); metrics never come from these. */
  maxPoints: z.number().int().min(3).max(2000).default(200),
  bins: z.number().int().min(2).max(200).default(40),
});
export type RunCurvesRequest = z.input<typeof RunCurvesRequest>;

export const RunCurves = z.object({
  runId: Id,
  members: z.number().int().nonnegative(),
  nonMembers: z.number().int().nonnegative(),
  /** Downsampled for drawing; empty when the audited records lack members or non-members. */
  roc: z.object({ fpr: z.instanceof(Float64Array), tpr: z.instanceof(Float64Array) }),
  /**
   * Shared bin edges (bins + 1) between Tukey's far-out fences of the scores, and counts of members and non-members per
   * bin; the records beyond the edges are counted in the first and last bin (`tails` says how many).
   */
  histogram: z.object({
    edges: z.instanceof(Float64Array),
    members: z.instanceof(Int32Array),
    nonMembers: z.instanceof(Int32Array),
    tails: z.object({ below: z.number().int().nonnegative(), above: z.number().int().nonnegative() }),
  }),
  perClass: z.array(
    z.object({
      classIndex: z.number().int().nonnegative(),
      className: z.string().nullable(),
      auc: z.number().nullable(),
      note: z.string().nullable(),
    }),
  ),
});
export type RunCurves = z.infer<typeof RunCurves>;

export const ExposedRecordsRequest = z.strictObject({
  runId: Id,
  limit: z.number().int().min(1).max(200).default(24),
  /** Only records whose ground truth is "member" (the ones an auditor must worry about). */
  membersOnly: z.boolean().default(false),
});
export type ExposedRecordsRequest = z.input<typeof ExposedRecordsRequest>;

export const ExposedRecords = z.object({
  runId: Id,
  /** Audited records scored by the run. */
  scored: z.number().int().nonnegative(),
  items: z.array(
    z.object({
      recordId: Id,
      key: z.string(),
      /** 1 = the highest score of the run. */
      rank: z.number().int().positive(),
      score: z.number(),
      label: z.number().int().nullable(),
      className: z.string().nullable(),
      caption: z.string().nullable(),
      member: z.union([z.literal(0), z.literal(1)]).nullable(),
      thumbnail: z.instanceof(Uint8Array).nullable(),
    }),
  ),
});
export type ExposedRecords = z.infer<typeof ExposedRecords>;

export const RecordCounts = z.object({
  total: z.number().int().nonnegative(),
  byRole: z.record(z.string(), z.number().int()),
  byLabel: z.array(z.object({ label: z.number().int().nullable(), count: z.number().int() })),
  byMember: z.array(z.object({ member: z.union([z.literal(0), z.literal(1)]).nullable(), count: z.number().int() })),
  byRoleAndLabel: z.array(z.object({ role: RecordRole, label: z.number().int().nullable(), count: z.number().int() })),
});
export type RecordCounts = z.infer<typeof RecordCounts>;

const RunRef = z.strictObject({ runId: Id });

export const ReportExportRequest = z.strictObject({
  runIds: z.array(Id).min(1).max(50),
  /** An existing folder, as an absolute path: report.pdf, scores.csv and scores.metrics.csv are written into it. */
  folder: z
    .string()
    .min(1)
    .regex(/^(\/|[A-Za-z]:[\\/])/, 'must be an absolute path'),
  title: z.string().trim().min(1).max(200).optional(),
});
export type ReportExportRequest = z.input<typeof ReportExportRequest>;

export const ExportedFiles = z.object({
  files: z.array(z.object({ kind: z.enum(['pdf', 'csv']), path: z.string(), sha256: z.string() })),
});
export type ExportedFiles = z.infer<typeof ExportedFiles>;

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
  'models.list': { request: NoRequest, response: z.array(ModelSummary) },
  'models.import': { request: ModelImportRequest, response: ModelSummary },
  'models.importSet': { request: ModelSetImportRequest, response: z.object({ set: ModelSetSummary, models: z.array(ModelSummary) }) },
  'models.sets': { request: NoRequest, response: z.array(ModelSetSummary) },
  'models.details': { request: z.strictObject({ modelId: Id }), response: ModelDetails },
  'models.check': { request: z.strictObject({ modelId: Id, datasetId: Id }), response: ModelCheckReport },
  'attacks.list': { request: NoRequest, response: z.array(AttackDescription) },
  'runs.list': { request: NoRequest, response: z.array(RunSummary) },
  'runs.get': { request: z.strictObject({ runId: Id }), response: RunSummary },
  'runs.start': { request: RunStartRequest, response: RunSummary },
  'runs.cancel': { request: z.strictObject({ runId: Id }), response: RunSummary },
  'runs.estimate': { request: RunStartRequest, response: RunEstimate },
  'runs.details': { request: RunRef, response: RunDetails },
  'runs.curves': { request: RunCurvesRequest, response: RunCurves },
  'runs.exposed': { request: ExposedRecordsRequest, response: ExposedRecords },
  'runs.rerun': { request: RunRef, response: RunSummary },
  /** An interrupted run re-run under its own id, from its stored configuration, after its inputs are re-verified. */
  'runs.resume': { request: RunRef, response: RunSummary },
  /** Deletes an interrupted run and its partial scores. */
  'runs.discard': { request: RunRef, response: z.object({ runId: Id }) },
  /** The PDF report and CSVs of finished runs, the same files `mia export` writes. */
  'reports.export': { request: ReportExportRequest, response: ExportedFiles },
  'settings.get': { request: NoRequest, response: TrainingSettings },
  'settings.update': { request: TrainingSettingsUpdate, response: TrainingSettings },
  /** Which Python with PyTorch the training bridge would use, and why others were passed over. */
  'training.python': { request: NoRequest, response: PythonProbe },
  /** Writes a seeded split plan (plan.json, manifest.json, splits.csv) for the auditor's own training pipeline. */
  'training.plan': { request: SplitPlanRequest, response: SplitPlanSummary },
  /** Plans, then trains the models with the bundled recipe, exports them to ONNX and imports them as a set. */
  'training.start': { request: TrainingStartRequest, response: TrainingJobSummary },
  'training.list': { request: NoRequest, response: z.array(TrainingJobSummary) },
  'training.cancel': { request: TrainingJobRef, response: TrainingJobSummary },
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
