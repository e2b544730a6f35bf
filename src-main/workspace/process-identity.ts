// Which process owns a busy row. A pid alone is not enough: after a crash and a reboot (or simply a long time)
// the pid may belong to an unrelated live process, and the row would stay "running" forever. On Linux the kernel's
// start time of the process (field 22 of /proc/PID/stat, in clock ticks since boot) tells a reused pid apart;
// where /proc does not exist the marker is null and the pid check alone applies, as before.
import fs from 'node:fs';

/** The start-time marker of a process, or null when the platform does not expose one (or the process is gone). */
export function processStartMarker(pid: number): string | null {
  return readProcStat(pid)?.startTime ?? null;
}

let ownMarker: string | null | undefined;

/** This process's identity, as written into the rows it owns. */
export function currentOwner(): { pid: number; started: string | null } {
  if (ownMarker === undefined) ownMarker = processStartMarker(process.pid);
  return { pid: process.pid, started: ownMarker };
}

/**
 * Whether the process that wrote (pid, started) is still running; a reused pid with another start time is not, and
 * neither is a zombie (killed, not yet reaped by its parent: it can do no more work, and a live host must not wait
 * for some other process to reap it before it calls the run interrupted).
 */
export function isOwnerAlive(pid: number, started: string | null): boolean {
  if (pid === process.pid) return started === null || started === currentOwner().started;
  if (!isProcessAlive(pid)) return false;
  const stat = readProcStat(pid);
  if (stat?.state === 'Z' || stat?.state === 'X') return false;
  if (started === null) return true; // written where no marker exists: the pid is all there is to go on
  return stat === null || stat.startTime === null || stat.startTime === started;
}

/** The state letter and start time of a process from /proc/PID/stat; null where /proc does not have it. */
function readProcStat(pid: number): { state: string; startTime: string | null } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = fields[19]; // field 22 of the whole line; fields here begin at field 3
  return { state: fields[0] ?? '', startTime: startTime && /^\d+$/.test(startTime) ? startTime : null };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
