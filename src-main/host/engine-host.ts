// Entry of the engine host process. It runs engine jobs off the main thread (ONNX Runtime's run() blocks its
// thread) and speaks the job protocol over whichever channel started it: Electron's utilityProcess parentPort
// or Node's child_process IPC. The engine code is the same either way.
import { toErrorPayload } from '../common/errors';
import { runTask } from '../engine/jobs/run-task';
import { watchParent } from './parent-watch';
import { ParentMessage, type HostMessage } from './protocol';

interface ParentChannel {
  send(message: HostMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function connectToParent(): ParentChannel {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (!process.send) throw new Error('The engine host must be started by the workbench (no parent channel).');
  return {
    send: (message) => process.send!(message),
    onMessage: (listener) => process.on('message', listener),
  };
}

const cancelledPayload = { code: 'job.cancelled', message: 'The run was cancelled before it finished.' };
const parent = connectToParent();
const running = new Map<string, AbortController>();

// Nobody is left to receive a result, and the workspace is written only by the parent: stop at once.
watchParent(() => process.exit(0));

parent.onMessage((raw) => {
  const parsed = ParentMessage.safeParse(raw);
  if (!parsed.success) return;
  const message = parsed.data;
  if (message.type === 'cancel') {
    running.get(message.jobId)?.abort();
    return;
  }
  const { jobId, task } = message;
  const controller = new AbortController();
  running.set(jobId, controller);
  runTask(task, {
    signal: controller.signal,
    progress: (phase, done, total, unit) => parent.send({ type: 'progress', jobId, phase, done, total, unit }),
    log: (level, text) => parent.send({ type: 'log', jobId, level, message: text }),
    partial: (recordIds, scores) => parent.send({ type: 'partial', jobId, recordIds, scores }),
  })
    // Work after the last abort check (metrics, validity checks) may complete a cancelled job: it stays cancelled.
    .then((result) => parent.send(controller.signal.aborted ? { type: 'error', jobId, error: cancelledPayload } : { type: 'result', jobId, result }))
    .catch((error: unknown) => parent.send({ type: 'error', jobId, error: controller.signal.aborted ? cancelledPayload : toErrorPayload(error) }))
    .finally(() => running.delete(jobId));
});

parent.send({ type: 'ready', pid: process.pid });
