// The job protocol between the service process and the engine host: every message either way has a schema.
import { z } from 'zod';
import { ErrorPayload } from '../../src-preload/contract';

const JobId = z.string().min(1);

export const ParentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), jobId: JobId, task: z.unknown() }),
  z.object({ type: z.literal('cancel'), jobId: JobId }),
]);
export type ParentMessage = z.infer<typeof ParentMessage>;

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
  z.object({
    type: z.literal('partial'),
    jobId: JobId,
    recordIds: z.instanceof(Int32Array),
    scores: z.instanceof(Float64Array),
  }),
  z.object({ type: z.literal('result'), jobId: JobId, result: z.unknown() }),
  z.object({ type: z.literal('error'), jobId: JobId, error: ErrorPayload }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

/** How the service process talks to one engine host process, whatever started it (fork or utilityProcess). */
export interface HostConnection {
  readonly pid: number | undefined;
  send(message: ParentMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type SpawnHost = () => HostConnection;
