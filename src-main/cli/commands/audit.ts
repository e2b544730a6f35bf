// `mia audit --config FILE [--policy FILE] [--prior FRACTION] [--workspace FILE] [--json]`: a batch audit from a config file, judged
// against a risk policy when one is given.
import { parsePriorOption } from '../prior-option';
import { forkHostSpawner } from '../../host/fork-host';
import { createBackend } from '../../services/backend';
import { runAudit } from '../../services/audit-service';
import { runHeadline } from '../../services/run-headline';
import { readAuditConfig } from '../../services/audit-config';
import { readRiskPolicy } from '../../services/policy/policy-file';
import { judgeRuns } from '../../services/policy/policy-verdict';
import { DEFAULT_MEMBER_PRIOR } from '../../../src-shared/domain/precision-at-prior';
import { headlineLine } from '../headline-line';
import { createProgressBar } from '../progress-bar';
import { verdictTable } from '../verdict-table';
import type { CliIo } from '../cli-io';

export async function auditCommand(
  io: CliIo,
  options: { config?: string; policy?: string; prior?: string; workspaceFile: string; json: boolean },
): Promise<number> {
  if (!options.config) {
    io.err.write('mia audit needs --config FILE (a YAML or JSON audit config).\n');
    return 2;
  }
  const priorOption = parsePriorOption('audit', options.prior);
  if (!priorOption.ok) {
    io.err.write(priorOption.message);
    return 2;
  }
  const prior = priorOption.prior ?? DEFAULT_MEMBER_PRIOR;
  // The policy is read first: a bad one is refused (exit 2) before any import or run starts.
  const policy = options.policy === undefined ? null : readRiskPolicy(options.policy);
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
    const headlines = runs.map((run) => runHeadline(backend.db, run, prior));
    const verdict = policy ? judgeRuns(policy, headlines) : null;
    if (options.json) {
      io.out.write(`${JSON.stringify(verdict ? { runs: headlines, verdict } : { runs: headlines }, null, 2)}\n`);
    } else {
      for (const h of headlines) io.out.write(headlineLine(h));
      if (verdict) io.out.write(verdictTable(verdict));
    }
    // A run that did not finish is a failed audit (1) before it is a failed verdict (3).
    if (!runs.every((run) => run.status === 'finished')) return 1;
    return verdict?.status === 'fail' ? 3 : 0;
  } finally {
    bar.done();
    backend.close();
  }
}
