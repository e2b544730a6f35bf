// Starts the built headless host (out/main/web.js) as a child process on a given workspace and waits for the
// one-time URL it prints; shared by the Playwright fixture and the hostile-client tests, which need a real process
// (a crash must show as an exit, not take the test runner down).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface HeadlessHostProcess {
  readonly child: ChildProcess;
  /** The URL with the one-time token. */
  readonly url: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '..', '..');

export async function startHeadlessHostProcess(workspaceFile: string, env: NodeJS.ProcessEnv = process.env): Promise<HeadlessHostProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'main', 'web.js'), '--workspace', workspaceFile], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`The headless host printed no URL: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`The headless host exited with code ${code}: ${output}`)));
  });
  return {
    child,
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
