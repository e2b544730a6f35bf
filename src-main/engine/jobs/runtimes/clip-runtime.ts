// The CLIP family's runtime: the target image–text model (image and text encoders, or one combined model, and a
// tokenizer) and the null model, each wrapped as a ClipTarget. CLIP attacks use no reference or shadow models.
import type { ClipModels, ClipTarget } from '../../attacks/clip/clip-target';
import { createClip, type ClipAdapter } from '../../models/clip-adapter';
import { createCombinedClip } from '../../models/combined-clip';
import { ClipConfig } from '../../models/model-config';
import { loadTextTokenizer } from '../../models/text-tokenizer';
import type { AttackTask, ModelSpec } from '../attack-task';
import { clipTarget } from '../clip-targets';
import { fileOf, releaseAll, type FamilyRuntime, type OpenerOptions } from '../family-runtime';
import { hasComponent, openAdapted } from '../model-components';

export async function openClipRuntime(task: AttackTask, options: OpenerOptions): Promise<FamilyRuntime> {
  const opened: ClipAdapter[] = [];
  const open = async (spec: ModelSpec): Promise<ClipTarget> => {
    const config = ClipConfig.parse(spec.config);
    const tokenizer = loadTextTokenizer(fileOf(spec, 'tokenizer'), spec.files.tokenizer_config?.path ?? null, config.padTokenId);
    // A combined export is stored as one `model` component serving both encoders (combined-clip.ts).
    const adapter = hasComponent(spec, 'model')
      ? await openAdapted(options.components, spec, ['model'], ([model]) => createCombinedClip(model!, config, tokenizer))
      : await openAdapted(options.components, spec, ['image', 'text'], ([image, text]) => createClip(image!, text!, config, tokenizer));
    opened.push(adapter);
    return clipTarget(spec.name, adapter, options.images, options.progress, options.signal);
  };
  try {
    const target = await open(task.target);
    const nullTarget = task.nullModel ? await open(task.nullModel) : null;
    const models: ClipModels = {};
    return { target, models, nullTarget, release: () => releaseAll(opened) };
  } catch (error) {
    await releaseAll(opened);
    throw error;
  }
}
