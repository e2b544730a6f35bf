// A real single-node Slurm cluster for a test file (tools/slurm/start-cluster.sh): started in a temp folder on two
// free ports, with SLURM_CONF set for this process and the children it starts (sbatch, squeue, the CLI), and stopped
// afterwards. Where it cannot start, the returned promise rejects with the script's reason: the tests fail, saying
// why, rather than skip.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
// Not temp-dir's repoRoot: that module needs vitest, and the Playwright spec (tests/e2e/slurm-training.spec.ts) uses this too.
const repoRoot = path.resolve(__dirname, '..', '..');

export interface TestCluster {
  /** The cluster's slurm.conf; also exported as SLURM_CONF while the cluster runs. */
  readonly conf: string;
  /** Runs a Slurm client command against the cluster (squeue …) and returns its stdout. */
  command(argv: readonly string[]): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestCluster(): Promise<TestCluster> {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-slurm-'));
  const [ctld, slurmd] = [await freePort(), await freePort()];
  const script = path.join(repoRoot, 'tools', 'slurm', 'start-cluster.sh');
  try {
    await run('bash', [script, state, String(ctld), String(slurmd)], { timeout: 60_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    await run('bash', [path.join(repoRoot, 'tools', 'slurm', 'stop-cluster.sh'), state]).catch(() => undefined);
    throw new Error(`The test Slurm cluster did not start (tools/slurm/start-cluster.sh): ${stderr?.trim() || (error as Error).message}`);
  }
  const conf = path.join(state, 'slurm.conf');
  process.env.SLURM_CONF = conf;
  return {
    conf,
    command: async (argv) => (await run(argv[0]!, argv.slice(1), { env: { ...process.env, SLURM_CONF: conf } })).stdout,
    async stop() {
      if (process.env.SLURM_CONF === conf) delete process.env.SLURM_CONF;
      await run('bash', [path.join(repoRoot, 'tools', 'slurm', 'stop-cluster.sh'), state]);
      fs.rmSync(state, { recursive: true, force: true });
    },
  };
}
