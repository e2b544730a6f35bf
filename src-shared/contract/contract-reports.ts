// The contract's part for what a finished run shows and exports: details, curves, the most exposed records, record
// counts and the report export. contract.ts re-exports everything here.
import { z } from 'zod';
import { MemberPrior } from './contract-audit';
import { Id, RecordRole, RunSummary, StoredMetricRow } from './contract-common';

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
  /** The target was treated as label-only (only its predicted labels were read); absent otherwise. */
  targetLabelOnly: z.literal(true).optional(),
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
      /** 1 + the audited records of the run that score strictly higher: ties share a rank (src-main/engine/metrics/audit-rank.ts). */
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

/** A one-line cover field: trimmed, without line breaks (the cover lays each on its own line). */
const coverLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\r\n]*$/, 'must be one line');

/** `YYYY-MM-DD` names a day that exists: the date round-trips through the calendar unchanged. */
function isCalendarDay(text: string): boolean {
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

/**
 * The PDF's cover page, as the auditor fills it in; an empty or missing field is left off the cover (the title
 * defaults to "Membership inference audit", the date to the day of the export). The date is a calendar day.
 */
export const ReportCover = z.strictObject({
  title: coverLine(200).optional(),
  client: coverLine(200).optional(),
  auditor: coverLine(200).optional(),
  scope: z.string().trim().max(1000).optional(),
  date: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
    .refine(isCalendarDay, 'must be a day of the calendar (2026-02-30 is not)')
    .optional(),
});
export type ReportCover = z.infer<typeof ReportCover>;

/**
 * The runs to export, and nothing about where: the app asks with its own save dialog, the headless host offers the
 * files as downloads. A `folder` or path from the renderer is refused at the boundary.
 */
export const ReportExportRequest = z.strictObject({
  runIds: z.array(Id).min(1).max(50),
  title: z.string().trim().min(1).max(200).optional(),
  cover: ReportCover.optional(),
  /** true: one signed evidence bundle (`.tar`: the PDF, CSVs, configs and provenance) instead of the loose files. */
  bundle: z.boolean().optional(),
  /** A risk policy YAML: the PDF's first page gives its verdict per target (the export panel sends the workspace's). */
  policyPath: z.string().trim().min(1).max(4096).optional(),
  /** The share of members the PDF states precision for; absent: 0.01. */
  memberPrior: MemberPrior.optional(),
});
export type ReportExportRequest = z.input<typeof ReportExportRequest>;

export const ExportedFile = z.object({
  /** signature: the detached Ed25519 signature (`NAME.sig`) of the file of the same name; bundle: a signed evidence bundle. */
  kind: z.enum(['pdf', 'csv', 'signature', 'bundle']),
  /** The file's name, also what a download is saved as. */
  name: z.string(),
  sha256: z.string(),
  /** Where the app wrote it (beside the PDF chosen in its save dialog); null for a download. */
  path: z.string().nullable(),
  /** The headless host's one-time download URL (`/downloads/<id>`, expires after a few minutes); null in the app. */
  download: z
    .string()
    .regex(/^\/downloads\/[A-Za-z0-9_-]+$/, 'must be a /downloads/<id> URL of the host')
    .nullable(),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

export const ExportedFiles = z.object({
  /** saved: written where the save dialog said; download: ready to fetch; cancelled: the dialog was closed, nothing written. */
  delivery: z.enum(['saved', 'download', 'cancelled']),
  files: z.array(ExportedFile),
});
export type ExportedFiles = z.infer<typeof ExportedFiles>;
