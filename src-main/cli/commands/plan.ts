// `mia plan --config FILE --purpose shadow|reference --out DIR`: writes a seeded split plan for the audit config's
// dataset and target, for an auditor who trains shadow or reference models in their own pipeline. The manifest it
// writes is what `shadows.manifest` / `references.manifest` of the config import once the models are trained.
// The folder is the one typed after --out: the person at the terminal chose it, so it goes to the training service
// directly rather than through the page's contract, which carries folder names only.
import path from 'node:path';
import type { z } from 'zod';
import { SplitPlanRequest } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { forkHostSpawner } from '../../host/fork-host';
import { importAuditTarget } from '../../services/audit-service';
import { createBackend } from '../../services/backend';
import { readAuditConfig } from '../../services/audit-config';
import type { CliIo } from '../cli-io';

export interface PlanOptions {
  readonly config?: string;
  readonly purpose?: string;
  readonly out?: string;
  readonly count?: string;
  readonly seed?: string;
  readonly trainSize?: string;
  readonly workspaceFile: string;
  readonly json: boolean;
}

export const planUsage = `  mia plan --config FILE --purpose shadow|reference --out DIR [--count N] [--seed S] [--train-size M]
                                                   write a seeded split plan (plan.json, manifest.json, splits.csv)
                                                   of shadow or reference models for the config's dataset and target`;

/**
 * A whole number option within the limits the contract sets on its field, or a config error naming the option. It is
 * checked before the config's dataset and target are imported, so a seed out of range costs nothing and leaves no
 * workspace behind.
 */
function wholeNumber(value: string | undefined, option: string, field: z.ZodType<number | undefined>): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new MiaError('config.bad-option', `--${option} must be a whole number; got "${value}".`);
  return parseWith(field, Number(value), `--${option} ${value}`, 'config.bad-option');
}

export async function planCommand(io: CliIo, options: PlanOptions): Promise<number> {
  if (!options.config || !options.out || (options.purpose !== 'shadow' && options.purpose !== 'reference')) {
    io.err.write(`mia plan needs --config FILE, --purpose shadow or reference, and --out DIR.\n\n${planUsage}\n`);
    return 2;
  }
  const count = wholeNumber(options.count, 'count', SplitPlanRequest.shape.count);
  const seed = wholeNumber(options.seed, 'seed', SplitPlanRequest.shape.seed);
  const trainSize = wholeNumber(options.trainSize, 'train-size', SplitPlanRequest.shape.trainSize);
  const { config, baseDir } = readAuditConfig(options.config);
  const backend = createBackend({ workspaceFile: options.workspaceFile, spawnHost: forkHostSpawner() });
  try {
    const { datasetId, targetId } = await importAuditTarget(backend, config, baseDir, {
      onStep: (message) => !options.json && io.err.write(`${message}\n`),
    });
    // The whole request against the contract, refused as a command-line mistake like the options above.
    const request = parseWith(
      SplitPlanRequest,
      {
        purpose: options.purpose,
        datasetId,
        targetModelId: targetId,
        ...(count !== undefined ? { count } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(trainSize !== undefined ? { trainSize } : {}),
      },
      'The plan options',
      'config.bad-option',
    );
    const plan = backend.training.plan(request, path.resolve(options.out));
    if (options.json) io.out.write(`${JSON.stringify(plan, null, 2)}\n`);
    else {
      io.out.write(
        `${plan.models.length} ${plan.purpose} models planned (seed ${plan.seed}) from ${plan.pool.size} ${plan.pool.roles.join('/')} records:\n`,
      );
      for (const model of plan.models) io.out.write(`  ${model.file}: trains on ${model.trainCount}, holds out ${model.heldOutCount}\n`);
      for (const note of plan.notes) io.out.write(`  note: ${note}\n`);
      io.out.write(`Wrote ${plan.planPath}\n      ${plan.manifestPath}\n      ${plan.splitsPath}\n`);
    }
    return 0;
  } finally {
    backend.close();
  }
}
