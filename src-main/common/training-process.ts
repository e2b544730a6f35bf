// Runs a bundled training recipe (resources/training/) as a child process and turns its stdout (one JSON event per
// line) into typed events. The process is the unit of cancellation: killing it stops training at once, and a model
// file with its final name exists only once the script has renamed a complete export into place. It lives in common/
// because both the training service and the engine host (qmia's quantile regressor) run recipes.
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { MiaError } from './errors';

export const ScriptEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('start'), models: z.number().int().nonnegative(), torch: z.string() }),
  z.object({
    event: z.literal('epoch'),
    model: z.number().int().nonnegative(),
    epoch: z.number().int().nonnegative(),
    epochs: z.number().int().positive(),
    loss: z.number().nullable(),
  }),
  z.object({
    event: z.literal('model'),
    model: z.number().int().nonnegative(),
    name: z.string(),
    trainAccuracy: z.number(),
    heldOutAccuracy: z.number().nullable(),
    seconds: z.number(),
  }),
  z.object({ event: z.literal('done') }),
]);
export type ScriptEvent = z.infer<typeof ScriptEvent>;

export interface TrainingProcess {
  /** Settles when the script has exited: resolves after its `done` event, rejects with a MiaError otherwise. */
  readonly finished: Promise<void>;
  /** Stops the script; `finished` then rejects with `training.cancelled`. */
  cancel(): void;
}

export interface TrainingProcessOptions {
  readonly python: string;
  readonly script: string;
  readonly jobFile: string;
  readonly threads: number;
  onEvent(event: ScriptEvent): void;
  /** Lines the script printed that are not events (warnings, stderr), for the job log. */
  onLog(line: string): void;
}

/** The error a cancelled training job ends with, whichever step it was in. */
export function trainingCancelled(): MiaError {
  return new MiaError('training.cancelled', 'Training was cancelled.');
}

/** Keeps the last lines of stderr for the error message; a traceback's last line says what went wrong. */
const stderrLinesKept = 20;

export function startTrainingProcess(options: TrainingProcessOptions): TrainingProcess {
  const child = spawn(options.python, [options.script, options.jobFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
    env: {
      ...process.env,
      // Torch's OpenMP threads spin while idle unless told not to; on a busy workstation that costs ~10×.
      OMP_WAIT_POLICY: 'PASSIVE',
      OMP_NUM_THREADS: String(options.threads),
      PYTHONUNBUFFERED: '1',
    },
  });
  let cancelled = false;
  let sawDone = false;
  const stderrTail: string[] = [];

  const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trimEnd();
        pending = pending.slice(newline + 1);
        if (line.length > 0) onLine(line);
      }
    });
    stream.on('end', () => pending.trim().length > 0 && onLine(pending.trim()));
  };

  lines(child.stdout!, (line) => {
    let parsed: ReturnType<typeof ScriptEvent.safeParse> | null = null;
    try {
      parsed = ScriptEvent.safeParse(JSON.parse(line));
    } catch {
      // not JSON: a library printing to stdout
    }
    if (parsed?.success) {
      if (parsed.data.event === 'done') sawDone = true;
      options.onEvent(parsed.data);
    } else options.onLog(line);
  });
  lines(child.stderr!, (line) => {
    stderrTail.push(line);
    if (stderrTail.length > stderrLinesKept) stderrTail.shift();
    options.onLog(line);
  });

  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => {
      reject(new MiaError('training.python-failed', `Could not start ${options.python}: ${error.message}`, { python: options.python }));
    });
    child.on('close', (code, signal) => {
      if (cancelled) reject(trainingCancelled());
      else if (code === 0 && sawDone) resolve();
      else {
        const how = code === null ? `was stopped by ${String(signal)}` : `exited with status ${code}`;
        const tail = stderrTail.slice(-3).join(' | ');
        reject(
          new MiaError(
            'training.script-failed',
            `The training script ${how}${sawDone ? '' : ' before it finished'}${tail ? `: ${tail}` : '.'}`,
            { code, signal },
          ),
        );
      }
    });
  });

  return {
    finished,
    cancel() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      child.kill('SIGTERM');
    },
  };
}
