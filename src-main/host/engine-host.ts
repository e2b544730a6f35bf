// Entry of the engine host process. It runs engine jobs off the main thread (ONNX Runtime's run() blocks its
// thread) and speaks the job protocol over whichever channel started it: Electron's utilityProcess parentPort
// or Node's child_process IPC. The engine code is the same either way.
import { toErrorPayload } from '../common/errors';
import { parseWith } from '../common/parse';
import type { EngineTask } from '../engine/jobs/engine-task';
import { runTask } from '../engine/jobs/run-task';
import { watchParent } from './parent-watch';
import { ParentMessage, StartEnvelope, type HostMessage } from './protocol';
import { createRecordAssembler } from './record-chunks';

interface ParentChannel {
  send(message: HostMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/**
 * Electron adds `parentPort` to `process` in a utilityProcess only; Node's `process` type does not have it, so it is
 * looked up by name and checked for the two methods used here.
 */
function isElectronParentPort(port: unknown): port is ElectronParentPort {
  return (
    typeof port === 'object' &&
    port !== null &&
    'postMessage' in port &&
    typeof port.postMessage === 'function' &&
    'on' in port &&
    typeof port.on === 'function'
  );
}

function connectToParent(): ParentChannel {
  const parentPort: unknown = Reflect.get(process, 'parentPort');
  if (isElectronParentPort(parentPort)) {
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
// Attack tasks announced with a record count, waiting for their records (record-chunks.ts).
const assembler = createRecordAssembler();

// Nobody is left to receive a result, and the workspace is written only by the parent: stop at once.
watchParent(() => process.exit(0));

function startJob(jobId: string, task: EngineTask): void {
  const controller = new AbortController();
  running.set(jobId, controller);
  runTask(task, {
    signal: controller.signal,
    progress: (phase, done, total, unit) => parent.send({ type: 'progress', jobId, phase, done, total, unit }),
    log: (level, text) => parent.send({ type: 'log', jobId, level, message: text }),
  })
    // Work after the last abort check (metrics, validity checks) may complete a cancelled job: it stays cancelled.
    .then((result) =>
      parent.send(controller.signal.aborted ? { type: 'error', jobId, error: cancelledPayload } : { type: 'result', jobId, result }),
    )
    .catch((error: unknown) =>
      parent.send({ type: 'error', jobId, error: controller.signal.aborted ? cancelledPayload : toErrorPayload(error) }),
    )
    .finally(() => running.delete(jobId));
}

parent.onMessage((raw) => {
  let message: ParentMessage;
  try {
    message = parseWith(ParentMessage, raw, 'Engine task', 'engine.bad-task');
  } catch (error) {
    // A start or chunk that does not fit is refused for its job; anything else malformed has no job to answer.
    const envelope = StartEnvelope.safeParse(raw);
    if (envelope.success) {
      assembler.drop(envelope.data.jobId);
      parent.send({ type: 'error', jobId: envelope.data.jobId, error: toErrorPayload(error) });
    }
    return;
  }
  if (message.type === 'cancel') {
    if (assembler.drop(message.jobId)) parent.send({ type: 'error', jobId: message.jobId, error: cancelledPayload });
    else running.get(message.jobId)?.abort();
    return;
  }
  const { jobId } = message;
  try {
    if (message.type === 'records') {
      const task = assembler.add(jobId, message.records, message.last);
      if (task) startJob(jobId, task);
    } else if (message.recordCount !== undefined) {
      assembler.announce(jobId, message.task, message.recordCount);
    } else {
      startJob(jobId, message.task);
    }
  } catch (error) {
    parent.send({ type: 'error', jobId, error: toErrorPayload(error) });
  }
});

parent.send({ type: 'ready', pid: process.pid });
