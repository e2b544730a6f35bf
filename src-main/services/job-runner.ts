// The jobs this process is running, attack runs and training jobs alike, by kind and id: one place that knows how
// to stop a live job (a cancel, or the backend closing), that waits for every job to land (idle), and that forgets a
// job once its execution has settled. Each kind records its own outcome through its repository before it settles;
// the runner only tracks. A job run by another process on the same workspace is not here: its state is the
// workspace's row.
import type { TrainingJobSummary } from '../../src-shared/domain/training';

export type JobKind = 'run' | 'training';

export interface LiveJob {
  /** Stops the job's work now; its execution then settles with the job's cancelled (or failed) outcome. */
  stop(): void;
}

/** What the runner holds of each kind's live jobs: a training job also carries its summary, whose log may be newer than its row. */
export interface LiveJobs {
  run: LiveJob;
  training: LiveJob & { readonly summary: TrainingJobSummary };
}

export interface JobRunner {
  /** Tracks a job until `execution` settles; `execution` must record the job's outcome itself. */
  track<Kind extends JobKind>(kind: Kind, id: number, job: LiveJobs[Kind], execution: Promise<void>): void;
  /** The live job of this kind and id, if this process runs it. */
  find<Kind extends JobKind>(kind: Kind, id: number): LiveJobs[Kind] | undefined;
  /** Stops a live job; false when this process does not run it. */
  stop(kind: JobKind, id: number): boolean;
  /** Resolves when every job tracked so far (of one kind, or of every kind) has landed, including jobs started meanwhile. */
  idle(kind?: JobKind): Promise<void>;
  /** Stops every live job (the backend is closing). */
  stopAll(): void;
}

export function createJobRunner(): JobRunner {
  const live: { [Kind in JobKind]: Map<number, LiveJobs[Kind]> } = { run: new Map(), training: new Map() };
  const executions: { [Kind in JobKind]: Set<Promise<void>> } = { run: new Set(), training: new Set() };
  const kinds: readonly JobKind[] = ['run', 'training'];

  return {
    track(kind, id, job, execution) {
      live[kind].set(id, job);
      executions[kind].add(execution);
      // Each kind settles its failures into its outcome; the catch only keeps a bug there from becoming an unhandled
      // rejection that would end the process.
      void execution
        .catch((error: unknown) => console.error(`The ${kind} job ${id} ended with an error it did not record: ${String(error)}`))
        .finally(() => {
          executions[kind].delete(execution);
          if (live[kind].get(id) === job) live[kind].delete(id);
        });
    },
    find: (kind, id) => live[kind].get(id),
    stop(kind, id) {
      const job = live[kind].get(id);
      job?.stop();
      return job !== undefined;
    },
    async idle(kind) {
      const waitedFor = kind ? [kind] : kinds;
      const pending = () => waitedFor.flatMap((k) => [...executions[k]]);
      for (let now = pending(); now.length > 0; now = pending()) await Promise.allSettled(now);
    },
    stopAll() {
      for (const kind of kinds) for (const job of live[kind].values()) job.stop();
    },
  };
}
