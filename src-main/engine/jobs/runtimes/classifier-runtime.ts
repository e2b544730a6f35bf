// The classifier family's runtime: the target, reference and shadow models with their manifests, and the null model.
import { MiaError } from '../../../common/errors';
import type { ClassifierModels, ClassifierTarget } from '../../attacks/classifier/classifier-target';
import { createClassifier, type ClassifierAdapter } from '../../models/classifier-adapter';
import { ClassifierConfig } from '../../models/model-config';
import type { AttackTask, ModelSpec } from '../attack-task';
import { classifierTarget } from '../classifier-targets';
import { releaseAll, type FamilyRuntime, type OpenerOptions } from '../family-runtime';
import { openAdapted } from '../model-components';
import { createQuantileRegressorTrainer } from '../quantile-regressor-trainer';

export async function openClassifierRuntime(task: AttackTask, options: OpenerOptions): Promise<FamilyRuntime> {
  const opened: ClassifierAdapter[] = [];
  const open = async (spec: ModelSpec): Promise<ClassifierTarget> => {
    const config = ClassifierConfig.parse(spec.config);
    const adapter = await openAdapted(options.components, spec, ['model'], ([model]) => createClassifier(model!, config));
    opened.push(adapter);
    return classifierTarget(spec.name, adapter, options.images, options.progress, options.signal);
  };
  const trained = async (specs: readonly ModelSpec[], purpose: string) => {
    const out = [];
    for (const spec of specs) {
      if (!spec.trainedOn)
        throw new MiaError(
          'model.missing-manifest',
          `The ${purpose} model "${spec.name}" has no training manifest (trained_on), so IN and OUT cannot be told apart.`,
        );
      out.push({ model: await open(spec), trainedOn: new Set(spec.trainedOn) });
    }
    return out;
  };
  try {
    const target = await open(task.target);
    const models: ClassifierModels = {
      references: await trained(task.references, 'reference'),
      shadows: await trained(task.shadows, 'shadow'),
      // The regressor sees images as the target does, whichever model (target or null model) scored them.
      ...(task.trainingBridge
        ? {
            quantileRegressors: createQuantileRegressorTrainer({
              ...task.trainingBridge,
              preprocess: ClassifierConfig.parse(task.target.config).preprocess,
              images: options.images,
            }),
          }
        : {}),
    };
    const nullTarget = task.nullModel ? await open(task.nullModel) : null;
    return { target, models, nullTarget, release: () => releaseAll(opened) };
  } catch (error) {
    await releaseAll(opened);
    throw error;
  }
}
