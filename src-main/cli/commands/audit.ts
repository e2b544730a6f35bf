// `mia audit --config FILE [--workspace FILE] [--json]`: a batch audit from a config file.
import { forkHostSpawner } from '../../host/fork-host';
import { createBackend } from '../../services/backend';
import { runAudit } from '../../services/audit-service';
import { runHeadline } from '../../services/run-headline';
import { readAuditConfig } from '../../services/audit-config';
import { formatEpsilon } from '../../../src-shared/presentation/privacy-bound-text';
import { createProgressBar } from '../progress-bar';
import type { CliIo } from '../cli-io';

export async function auditCommand(io: CliIo, options: { config?: string; workspaceFile: string; json: boolean }): Promise<number> {
  if (!options.config) {
    io.err.write('mia audit needs --config FILE (a YAML or JSON audit config).\n');
    return 2;
  }
  const { config, baseDir } = readAuditConfig(options.config);
  const backend = createBackend({ workspaceFile: options.workspaceFile, spawnHost: forkHostSpawner() });
  const bar = createProgressBar(io.err as NodeJS.WriteStream);
  try {
    const runs = await runAudit(backend, config, baseDir, {
      onStep: (message) => {
        bar.done();
        if (!options.json) io.err.write(`${message}\n`);
      },
      onProgress: (progress, attack) => bar.update(progress, attack),
      onTrainingProgress: (p) =>
        bar.update(
          {
            runId: p.jobId,
            phase: `model ${p.model + 1} of ${p.modelCount}, epoch ${p.epoch} of ${p.epochs}`,
            done: p.model * p.epochs + p.epoch,
            total: p.modelCount * p.epochs,
            unit: 'epochs',
            ratePerSecond: null,
            etaSeconds: null,
          },
          'training',
        ),
    });
    bar.done();
    const headlines = runs.map((run) => runHeadline(backend.db, run));
    if (options.json) {
      io.out.write(`${JSON.stringify({ runs: headlines }, null, 2)}\n`);
    } else {
      for (const h of headlines) {
        const fmt = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(3));
        const warnings = Object.entries(h.checks)
          .filter(([, c]) => c.status === 'warn')
          .map(([kind]) => kind);
        io.out.write(
          `run ${h.id} ${h.attack.padEnd(16)} ${h.status.padEnd(10)} AUC ${fmt(h.metrics.auc)} [${fmt(h.metrics.auc_ci[0])}, ${fmt(h.metrics.auc_ci[1])}]  TPR@1%FPR ${fmt(h.metrics.tpr_at_fpr['0.01'])}  ε≥${h.metrics.epsilon_lb ? formatEpsilon(h.metrics.epsilon_lb.value) : 'n/a'}${warnings.length ? `  warnings: ${warnings.join(', ')}` : ''}\n`,
        );
      }
    }
    return runs.every((run) => run.status === 'finished') ? 0 : 1;
  } finally {
    bar.done();
    backend.close();
  }
}
