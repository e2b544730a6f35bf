// `mia demo` (npm run demo): a fresh workspace, every demo-kit audit config run (and the CLIP and diffusion suspect-set
// configs, so the report shows set-level inference), then the PDF report and CSVs of all runs written to the output
// folder and a summary table printed.
import fs from 'node:fs';
import path from 'node:path';
import { resourcePath } from '../../common/package-root';
import { forkHostSpawner } from '../../host/fork-host';
import { runAudit } from '../../services/audit-service';
import { createBackend } from '../../services/backend';
import { exportRuns } from '../../services/reports/export-service';
import { runHeadline, type RunHeadline } from '../../services/run-headline';
import { readAuditConfig } from '../../services/audit-config';
import { formatEpsilon } from '../../../src-shared/presentation/privacy-bound-text';
import { formatPValue, setInferenceDecisionWords } from '../../../src-shared/presentation/set-inference-text';
import type { CliIo } from '../cli-io';
import { createProgressBar } from '../progress-bar';

/** The demo kit's audit and set-inference configs in a stable order: classifier, CLIP, diffusion, each family's files by name. */
export function demoConfigs(demoDir: string): string[] {
  return ['classifier', 'clip', 'diffusion'].flatMap((family) => {
    const folder = path.join(demoDir, family);
    if (!fs.existsSync(folder)) return [];
    return fs
      .readdirSync(folder)
      .filter((name) => /^(audit|set-inference).*\.ya?ml$/.test(name))
      .sort()
      .map((name) => path.join(folder, name));
  });
}

export function defaultDemoDir(): string {
  return resourcePath('demo');
}

export async function demoCommand(io: CliIo, options: { outDir: string; demoDir?: string }): Promise<number> {
  const demoDir = options.demoDir ?? defaultDemoDir();
  const configs = demoConfigs(demoDir);
  if (configs.length === 0) {
    io.err.write(`No demo-kit audit configs were found under ${demoDir}.\n`);
    return 1;
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  const workspaceFile = path.join(options.outDir, 'workspace.sqlite');
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(workspaceFile + suffix, { force: true });
  const backend = createBackend({ workspaceFile, spawnHost: forkHostSpawner() });
  const bar = createProgressBar(io.err as NodeJS.WriteStream);
  const started = Date.now();
  const headlines: RunHeadline[] = [];
  try {
    for (const file of configs) {
      io.err.write(`\n== ${path.relative(demoDir, file)}\n`);
      const { config, baseDir } = readAuditConfig(file);
      const runs = await runAudit(backend, config, baseDir, {
        onStep: (message) => {
          bar.done();
          io.err.write(`${message}\n`);
        },
        onProgress: (progress, attack) => bar.update(progress, attack),
      });
      bar.done();
      headlines.push(...runs.map((run) => runHeadline(backend.db, run)));
    }
    const finished = headlines.filter((h) => h.status === 'finished').map((h) => h.id);
    const { files } = await exportRuns(backend.db, {
      runIds: finished,
      pdf: path.join(options.outDir, 'report.pdf'),
      csv: path.join(options.outDir, 'scores.csv'),
      title: 'MIA Workbench demo audit',
      // The demo's output folder is its own (its workspace was just recreated): each demo replaces the last one's files.
      force: true,
    });
    const fmt = (v: number | null): string => (v === null ? '  n/a' : v.toFixed(3));
    io.out.write(
      `\n${'run'.padEnd(5)}${'attack'.padEnd(18)}${'target'.padEnd(34)}${'AUC'.padStart(7)}${'TPR@1%'.padStart(9)}${'ε≥'.padStart(7)}  warnings\n`,
    );
    for (const h of headlines) {
      const warnings = Object.entries(h.checks)
        .filter(([, c]) => c.status === 'warn')
        .map(([kind]) => kind);
      const set = h.metrics.set_inference;
      // A set-level run has no AUC, TPR or ε: its p-value and decision take their columns.
      const figures = set
        ? `  p ${formatPValue(set.p_value)}, ${setInferenceDecisionWords(set.p_value)}`
        : `${fmt(h.metrics.auc).padStart(7)}${fmt(h.metrics.tpr_at_fpr['0.01']).padStart(9)}${formatEpsilon(h.metrics.epsilon_lb?.value ?? null).padStart(7)}`;
      io.out.write(
        `${String(h.id).padEnd(5)}${h.attack.padEnd(18)}${h.target.name.slice(0, 32).padEnd(34)}${figures}  ${h.status === 'finished' ? warnings.join(', ') : `${h.status}: ${h.error?.message ?? ''}`}\n`,
      );
    }
    io.out.write(
      `\n${files.map((f) => `${f.kind.toUpperCase()} ${f.path}`).join('\n')}\nWorkspace ${workspaceFile}\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s.\n`,
    );
    return headlines.every((h) => h.status === 'finished') ? 0 : 1;
  } finally {
    bar.done();
    backend.close();
  }
}
