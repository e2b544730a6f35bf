// `mia demo-remote` (npm run demo:remote): starts `mia serve` on a free loopback port, audits the demo classifier,
// CLIP pair and diffusion denoiser through it (resources/demo/remote/audit-*.yaml) and the same attacks on the local
// ONNX files in a temporary workspace, prints remote and local AUC side by side, and succeeds only when every
// deterministic attack agrees within 1e-6. ReDiffuse through the image-variation endpoint is reported as it is.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunProgress } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import { forkHostSpawner } from '../../host/fork-host';
import { readAuditConfig, type AuditConfig } from '../../services/audit-config';
import { runAudit } from '../../services/audit-service';
import { createBackend, type Backend } from '../../services/backend';
import { runHeadline, type RunHeadline } from '../../services/run-headline';
import { readScores } from '../../workspace/runs-repo';
import type { CliIo } from '../cli-io';
import { sampleManifest } from '../manifest-sample';
import { createProgressBar } from '../progress-bar';
import { startServeProcess, type ServeProcess } from '../serve-process';
import { defaultDemoDir } from './demo';

export const demoRemoteUsage = `  mia demo-remote [--records N]                   audit the demo models through mia serve and locally, print both
                                                   AUCs and fail unless they agree within 1e-6 (N: records per
                                                   member/role group, for a quicker check)`;

/** Remote and local results must agree this closely; both sides compute in the same engine from the same tensors. */
export const agreementTolerance = 1e-6;

/** Each remote audit config and the local demo config whose target is the same model (none for the variation API). */
const auditPairs = [
  { remote: 'audit-classifier.yaml', local: '../classifier/audit.yaml' },
  { remote: 'audit-clip.yaml', local: '../clip/audit.yaml' },
  { remote: 'audit-diffusion.yaml', local: '../diffusion/audit.yaml' },
  { remote: 'audit-variations.yaml', local: null },
] as const;

interface ComparedRun {
  remote: RunHeadline;
  local: RunHeadline | null;
  /** Largest per-record score difference between the two runs (null without a local run). */
  scoreDifference: number | null;
}

export async function demoRemoteCommand(
  io: CliIo,
  options: { records?: string | undefined; demoDir?: string },
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const records = options.records === undefined ? undefined : Number(options.records);
  if (records !== undefined && (!Number.isInteger(records) || records < 1)) {
    io.err.write(
      `mia demo-remote: --records takes a whole number of at least 1, not "${options.records}".\n\nUsage:\n${demoRemoteUsage}\n`,
    );
    return 2;
  }
  const remoteDir = path.join(options.demoDir ?? defaultDemoDir(), 'remote');
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-demo-remote-'));
  let server: ServeProcess | null = null;
  let backend: Backend | null = null;
  const keyVariables = new Map<string, string | undefined>();
  const cleanUp = (): void => {
    server?.killNow();
    backend?.close();
    backend = null;
    for (const [name, before] of keyVariables) {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
    fs.rmSync(tempDir, { recursive: true, force: true });
  };
  // Interrupted: stop the server and the engine, remove the temporary workspace, then die of the same signal.
  const onSignal = (signal: NodeJS.Signals): void => {
    io.err.write(`\nmia demo-remote: ${signal}, stopping mia serve.\n`);
    removeHandlers();
    void (server?.stop(5_000) ?? Promise.resolve()).finally(() => {
      cleanUp();
      if (signals === process) process.kill(process.pid, signal);
    });
  };
  const onExit = (): void => server?.killNow();
  const removeHandlers = (): void => {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  process.on('exit', onExit);

  const bar = createProgressBar(io.err as NodeJS.WriteStream);
  const hooks = {
    onStep: (message: string) => {
      bar.done();
      io.err.write(`${message}\n`);
    },
    onProgress: (progress: RunProgress, attack: string) => bar.update(progress, attack),
  };
  try {
    io.err.write('Starting mia serve (resources/demo/remote/serve.yaml) …\n');
    server = startServeProcess(path.join(remoteDir, 'serve.yaml'));
    const { url, token } = await server.ready;
    io.err.write(`mia serve listens on ${url}\n`);
    backend = createBackend({ workspaceFile: path.join(tempDir, 'workspace.sqlite'), spawnHost: forkHostSpawner() });
    const compared: ComparedRun[] = [];
    for (const [index, pair] of auditPairs.entries()) {
      const file = path.join(remoteDir, pair.remote);
      const { config, baseDir } = readAuditConfig(file);
      const remote = config.target.remote;
      if (remote === undefined) throw new MiaError('config.invalid', `Audit config ${file}: the remote demo's target must have "remote".`);
      if (remote.apiKeyEnv !== undefined) {
        if (!keyVariables.has(remote.apiKeyEnv)) keyVariables.set(remote.apiKeyEnv, process.env[remote.apiKeyEnv]);
        process.env[remote.apiKeyEnv] = token;
      }
      const manifest = path.resolve(baseDir, config.dataset.path);
      const dataset = {
        ...config.dataset,
        path: records ? sampleManifest(manifest, records, path.join(tempDir, `records-${index}`)) : manifest,
      };
      io.err.write(`\n== ${pair.remote} through ${url}\n`);
      const remoteConfig = { ...config, dataset, target: { ...config.target, remote: { ...remote, url } } } as AuditConfig;
      const remoteRuns = await runAudit(backend, remoteConfig, baseDir, hooks);
      let localRuns: RunHeadline[] = [];
      if (pair.local !== null) {
        const local = readAuditConfig(path.resolve(remoteDir, pair.local));
        io.err.write(`\n== the same runs on ${pair.local}'s local target\n`);
        // The same records and runs; only the target differs, and a query budget means nothing to a local file.
        const runs = config.runs.map(({ queryBudget: _budget, ...run }) => run);
        const localConfig: AuditConfig = { ...config, dataset, target: local.config.target, runs };
        localRuns = (await runAudit(backend, localConfig, local.baseDir, hooks)).map((run) => runHeadline(backend!.db, run));
      }
      bar.done();
      for (const [i, run] of remoteRuns.entries()) {
        const localRun = localRuns[i] ?? null;
        compared.push({
          remote: runHeadline(backend.db, run),
          local: localRun,
          scoreDifference: localRun === null ? null : largestScoreDifference(backend, run.id, localRun.id),
        });
      }
    }
    const problems = disagreements(compared);
    io.out.write(comparisonTable(compared));
    io.out.write(
      problems.length === 0
        ? `\nRemote and local agree within ${agreementTolerance.toExponential()} on every deterministic attack.\n`
        : `\nmia demo-remote failed:\n${problems.map((problem) => `  - ${problem}\n`).join('')}`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    bar.done();
    removeHandlers();
    await server?.stop();
    cleanUp();
  }
}

/** The largest |remote − local| over the records both runs scored; Infinity when they scored different records. */
function largestScoreDifference(backend: Backend, remoteRunId: number, localRunId: number): number {
  const remote = readScores(backend.db, remoteRunId);
  const local = readScores(backend.db, localRunId);
  if (remote.recordIds.length !== local.recordIds.length || remote.recordIds.length === 0) return Number.POSITIVE_INFINITY;
  let largest = 0;
  for (let i = 0; i < remote.recordIds.length; i += 1) {
    if (remote.recordIds[i] !== local.recordIds[i]) return Number.POSITIVE_INFINITY;
    largest = Math.max(largest, Math.abs(remote.scores[i]! - local.scores[i]!));
  }
  return largest;
}

/** Why the demo fails: a run that did not finish, or a deterministic attack whose AUC or scores differ. */
export function disagreements(compared: readonly ComparedRun[]): string[] {
  const problems: string[] = [];
  for (const { remote, local, scoreDifference } of compared) {
    for (const [side, run] of [
      ['remote', remote],
      ['local', local],
    ] as const) {
      if (run !== null && run.status !== 'finished') {
        problems.push(
          `the ${side} ${run.attack} run on ${run.target.name} ${run.status}: ${run.error ? `${run.error.message} [${run.error.code}]` : 'no error was recorded'}`,
        );
      }
    }
    if (local === null || remote.status !== 'finished' || local.status !== 'finished') continue;
    const aucDifference = Math.abs((remote.metrics.auc ?? Number.NaN) - (local.metrics.auc ?? Number.NaN));
    if (!(aucDifference <= agreementTolerance)) {
      problems.push(
        `${remote.attack}: remote AUC ${remote.metrics.auc} and local AUC ${local.metrics.auc} differ by more than ${agreementTolerance}`,
      );
    }
    if (!(scoreDifference! <= agreementTolerance)) {
      problems.push(`${remote.attack}: per-record scores differ by up to ${scoreDifference} (more than ${agreementTolerance})`);
    }
  }
  return problems;
}

export function comparisonTable(compared: readonly ComparedRun[]): string {
  const auc = (run: RunHeadline | null): string => (run?.metrics.auc === null || run === null ? '—' : run.metrics.auc.toFixed(6));
  const difference = (value: number | null): string => (value === null ? '—' : value.toExponential(1));
  const lines = [
    `\n${'attack'.padEnd(16)}${'target'.padEnd(54)}${'remote AUC'.padStart(11)}${'local AUC'.padStart(11)}${'|ΔAUC|'.padStart(9)}${'max |Δscore|'.padStart(14)}`,
  ];
  for (const { remote, local, scoreDifference } of compared) {
    const aucDifference =
      local && remote.metrics.auc !== null && local.metrics.auc !== null ? Math.abs(remote.metrics.auc - local.metrics.auc) : null;
    lines.push(
      `${remote.attack.padEnd(16)}${remote.target.name.slice(0, 52).padEnd(54)}${auc(remote).padStart(11)}${auc(local).padStart(11)}${difference(aucDifference).padStart(9)}${difference(scoreDifference).padStart(14)}`,
    );
  }
  lines.push(
    '',
    'ReDiffuse through the image-variation endpoint is reported as it is: the API returns only images, so there is no',
    'local run to compare it with (the variations come from the server, as DALL-E 2 variations would).',
  );
  return `${lines.join('\n')}\n`;
}
