// Starts the built `mia serve` as a child process on a free loopback port and stops it again: the practice server
// `npm run demo:remote` audits through, run exactly as an auditor would run it from a terminal.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import { MiaError } from '../common/errors';
import { packageRoot } from '../common/package-root';
import { parseWith } from '../common/parse';

/** The one JSON line `mia serve` prints once it listens; the token is there because serve.yaml names no tokenEnv. */
const ServeAnnouncement = z.object({ url: z.url(), token: z.string().min(1) });

export interface ServeProcess {
  /** The URL and token once the server listens; rejects (and kills the process) if it does not within the limit. */
  readonly ready: Promise<{ url: string; token: string }>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Kills the process at once, without waiting: for the paths that cannot wait (process exit). */
  killNow(): void;
}

/**
 * Runs `mia serve --config FILE --port 0`. The handle comes back at once, before the server listens, so that a caller
 * interrupted while it starts can still stop it; `ready` waits (at most `startMs`) for the line with URL and token.
 */
export function startServeProcess(configFile: string, options: { startMs?: number } = {}): ServeProcess {
  const child = spawn(process.execPath, [path.join(packageRoot(), 'bin', 'mia.js'), 'serve', '--config', configFile, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The server logs every request on stderr; the last lines are kept to explain a failed start.
  const stderrTail: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const killNow = (): void => {
    if (alive()) child.kill('SIGKILL');
  };
  const ready = firstStdoutLine(child, options.startMs ?? 120_000, stderrTail)
    .then((firstLine) => {
      let announced: unknown;
      try {
        announced = JSON.parse(firstLine);
      } catch {
        throw new MiaError('serve.bad-announcement', `mia serve printed "${firstLine.slice(0, 200)}" instead of a JSON line with its URL.`);
      }
      return parseWith(ServeAnnouncement, announced, 'The first line mia serve printed', 'serve.bad-announcement');
    })
    .catch(async (error: unknown) => {
      killNow();
      await exited;
      throw error;
    });
  return {
    ready,
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(killNow, graceMs);
      await exited;
      clearTimeout(timer);
    },
    killNow,
  };
}

function firstStdoutLine(child: ChildProcess, startMs: number, stderrTail: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      lines.close();
      child.off('exit', onExit);
      settle();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(() =>
        reject(
          new MiaError(
            'serve.exited',
            `mia serve stopped before it listened (${signal ?? `exit code ${code}`}): ${stderrTail.slice(-5).join(' | ') || 'it printed nothing'}`,
          ),
        ),
      );
    const timer = setTimeout(
      () => finish(() => reject(new MiaError('serve.timeout', `mia serve did not print its URL within ${Math.round(startMs / 1000)} s.`))),
      startMs,
    );
    lines.once('line', (line) => finish(() => resolve(line)));
    child.once('exit', onExit);
  });
}
