// `mia audit --replay BUNDLE [--data-root DIR] [--workspace FILE] [--json]`: re-runs an evidence bundle's audit from
// its configs and says, per run, whether the new scores are bit-identical to the bundle's. Exit 0 when every run is,
// 1 otherwise (naming the first differing record), and 1 when an input file's SHA-256 differs from the provenance.
import { forkHostSpawner } from '../../host/fork-host';
import { createBackend } from '../../services/backend';
import { replayEvidenceBundle } from '../../services/evidence/bundle-replay';
import { describeSigner } from '../../services/signing/installation-key';
import { createProgressBar } from '../progress-bar';
import type { CliIo } from '../cli-io';

export async function replayCommand(
  io: CliIo,
  options: { bundle: string; dataRoot?: string; workspaceFile: string; json: boolean },
): Promise<number> {
  const backend = createBackend({ workspaceFile: options.workspaceFile, spawnHost: forkHostSpawner() });
  const bar = createProgressBar(io.err as NodeJS.WriteStream);
  try {
    const report = await replayEvidenceBundle(backend, options.bundle, {
      ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
      hooks: {
        onStep: (message) => {
          bar.done();
          if (!options.json) io.err.write(`${message}\n`);
        },
        onProgress: (progress, attack) => bar.update(progress, attack),
      },
    });
    bar.done();
    if (options.json) {
      io.out.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      io.out.write(`${report.file}: ${describeSigner(report.signer)}; inputs found under ${report.root}.\n`);
      for (const run of report.runs) {
        const difference = run.firstDifference;
        io.out.write(
          run.identical
            ? `run ${run.bundleRunId} ${run.attack}: replayed as run ${run.replayRunId}; all ${run.records} scores bit-identical\n`
            : run.problem
              ? `run ${run.bundleRunId} ${run.attack}: not replayed: ${run.problem}\n`
              : `run ${run.bundleRunId} ${run.attack}: replayed as run ${run.replayRunId}; scores differ, first at record ${difference?.recordKey} (bundle ${difference?.bundle ?? 'none'}, replay ${difference?.replay ?? 'none'})\n`,
        );
      }
    }
    return report.identical ? 0 : 1;
  } finally {
    bar.done();
    backend.close();
  }
}
