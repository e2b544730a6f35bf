// The name a new run is stored with: the shared generator fed with the attack's title and defaults, the target's
// and the dataset's names, whether its images are resized, and the reference/shadow models the run uses. The auditor may rename it later
// (runs.describe); a re-run gets a freshly generated name, not its original's edited one.
import { z } from 'zod';
import { generateRunName, paramDefaults } from '../../src-shared/presentation/run-name';
import type { AttackModule } from '../engine/attacks/attack-module';
import { getDataset } from '../workspace/datasets-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import type { RunInputs, RunRequest } from './resolve-run-inputs';

export function runNameFor(db: WorkspaceDb, inputs: RunInputs, request: Pick<RunRequest, 'datasetId' | 'resize'>): string {
  return generateRunName({
    attackLabel: inputs.attack.id,
    targetName: inputs.target.name,
    datasetName: getDataset(db, request.datasetId).name,
    resized: request.resize === true,
    params: asRecord(inputs.params),
    defaults: attackDefaults(inputs.attack),
    referenceModels: inputs.references.length,
    shadowModels: inputs.shadows.length,
  });
}

/** Each parameter's default, read from the same JSON Schema the New run form is generated from. */
function attackDefaults(attack: AttackModule): Record<string, unknown> {
  return paramDefaults(z.toJSONSchema(attack.params, { io: 'input' }) as Record<string, unknown>);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
