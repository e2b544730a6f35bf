// Every task the engine host runs and the result each kind sends back. The host parses tasks with EngineTask and
// the service parses results with EngineResult, so both ends of the job protocol share one definition.
// Kept free of engine runtime imports: the service process loads it without ONNX Runtime.
import { z } from 'zod';
import { AttackJobResult } from './attack-job-result';
import { AttackTask } from './attack-task';
import { TrainingDataResult, TrainingDataTask } from './training-data-task';

/** holdMs keeps the host busy, silent and cancellable for a while: the tests of its lifetime and of cancel use it. */
export const PingTask = z.object({ kind: z.literal('ping'), echo: z.string(), holdMs: z.number().int().min(0).max(600_000).optional() });
export type PingTask = z.infer<typeof PingTask>;

export const PingResult = z.object({ kind: z.literal('ping'), echo: z.string(), pid: z.number().int() });
export type PingResult = z.infer<typeof PingResult>;

export const EngineTask = z.discriminatedUnion('kind', [PingTask, AttackTask, TrainingDataTask]);
export type EngineTask = z.infer<typeof EngineTask>;

export const EngineResult = z.discriminatedUnion('kind', [PingResult, AttackJobResult, TrainingDataResult]);
export type EngineResult = z.infer<typeof EngineResult>;

/** The result a task of this kind answers with: an attack task with an AttackJobResult, a ping with a PingResult. */
export type EngineResultOf<Task extends EngineTask> = Extract<EngineResult, { kind: Task['kind'] }>;

/** Whether a result is the kind its task asked for (a result of another kind is a protocol error). */
export function isResultOf<Task extends EngineTask>(task: Task, result: EngineResult): result is EngineResultOf<Task> {
  return result.kind === task.kind;
}
