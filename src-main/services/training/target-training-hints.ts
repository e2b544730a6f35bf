// What the target's sidecar says about how it was trained (the demo kit writes a `training` block). Shadow and
// reference models should be trained like the target, so these fill whatever the auditor leaves blank.
import { z } from 'zod';
import type { ModelSpec } from '../../engine/jobs/attack-task';
import { readModelJsonFile } from '../../engine/models/model-json-file';
import { sidecarBeside } from '../model-files';

const TrainingBlock = z.looseObject({
  epochs: z.number().int().positive().optional(),
  lr: z.number().positive().optional(),
  batch: z.number().int().positive().optional(),
  weight_decay: z.number().nonnegative().optional(),
  n_train: z.number().int().positive().optional(),
});
export type TargetTrainingHints = z.infer<typeof TrainingBlock>;

/** The sidecar's `training` block, or an empty object when there is no sidecar or it says nothing usable. */
export function targetTrainingHints(target: ModelSpec): TargetTrainingHints {
  const modelFile = target.files.model?.path;
  const sidecar = modelFile ? sidecarBeside(modelFile) : null;
  if (!sidecar) return {};
  try {
    const parsed = TrainingBlock.safeParse(
      (readModelJsonFile(sidecar, 'Model sidecar', 'model.bad-sidecar') as { training?: unknown } | null)?.training,
    );
    return parsed.success ? parsed.data : {};
  } catch {
    return {}; // the sidecar was read at import; if it is unreadable now, the defaults apply
  }
}
