// The job protocol between the service process and the engine host: every message either way has a schema, and the
// receiving end parses it. Tasks and results are the engine's own typed schemas (engine/jobs/engine-task.ts).
import { z } from 'zod';
import { ErrorPayload } from '../../src-shared/domain/runs';
import { RunRecordList } from '../engine/attacks/run-record-list';
import { EngineResult, EngineTask } from '../engine/jobs/engine-task';

const JobId = z.string().min(1);

export const ParentMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    jobId: JobId,
    task: EngineTask,
    /**
     * Set when an attack task's records follow in `records` messages (record-chunks.ts) rather than inside the task:
     * how many there will be. The host runs the task once the last chunk has brought exactly this many.
     */
    recordCount: z.number().int().nonnegative().optional(),
  }),
  /** One chunk of an announced task's records, each checked as it arrives; `last` marks the final chunk. */
  z.object({ type: z.literal('records'), jobId: JobId, records: RunRecordList, last: z.boolean() }),
  z.object({ type: z.literal('cancel'), jobId: JobId }),
]);
export type ParentMessage = z.infer<typeof ParentMessage>;

/**
 * Just enough of a start or records message to answer it. A start whose task does not fit EngineTask, or a chunk
 * whose records do not fit RunRecord, is still answered, with an engine.bad-task error for its job, rather than
 * dropped (its job would wait for ever).
 */
export const StartEnvelope = z.object({ type: z.enum(['start', 'records']), jobId: JobId });

export const HostMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({
    type: z.literal('progress'),
    jobId: JobId,
    phase: z.string(),
    done: z.number().nonnegative(),
    total: z.number().nonnegative(),
    unit: z.string(),
  }),
  z.object({ type: z.literal('log'), jobId: JobId, level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({ type: z.literal('result'), jobId: JobId, result: EngineResult }),
  z.object({ type: z.literal('error'), jobId: JobId, error: ErrorPayload }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

/** Just enough of a result message to fail its job with engine.bad-result when the result does not fit its schema. */
export const ResultEnvelope = z.object({ type: z.literal('result'), jobId: JobId });

/** How the service process talks to one engine host process, whatever started it (fork or utilityProcess). */
export interface HostConnection {
  readonly pid: number | undefined;
  send(message: ParentMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type SpawnHost = () => HostConnection;
