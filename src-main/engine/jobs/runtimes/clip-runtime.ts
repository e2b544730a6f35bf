// The CLIP family's runtime: the target image–text model (image and text encoders, or one combined model, and a
// tokenizer) and the null model, each wrapped as a ClipTarget. CLIP attacks use no reference or shadow models.
import type { ClipModels, ClipTarget } from '../../attacks/clip/clip-target';
import { openClip, type ClipAdapter } from '../../models/clip-adapter';
import { openCombinedClip } from '../../models/combined-clip';
import { ClipConfig } from '../../models/model-config';
import { loadTextTokenizer } from '../../models/text-tokenizer';
import type { AttackTask, ModelSpec } from '../attack-task';
import { clipTarget } from '../clip-targets';
import { fileOf, releaseAll, type FamilyRuntime, type RuntimeOptions } from '../family-runtime';

export async function openClipRuntime(task: AttackTask, options: RuntimeOptions): Promise<FamilyRuntime> {
  const opened: ClipAdapter[] = [];
  const open = async (spec: ModelSpec): Promise<ClipTarget> => {
    const config = ClipConfig.parse(spec.config);
    const tokenizer = loadTextTokenizer(fileOf(spec, 'tokenizer'), spec.files.tokenizer_config?.path ?? null, config.padTokenId);
    const sessionOptions = { intraOpNumThreads: options.threads };
    // A combined export is stored as one `model` file serving both encoders (combined-clip.ts).
    const adapter = spec.files.model
      ? await openCombinedClip(spec.files.model.path, config, tokenizer, sessionOptions)
      : await openClip({ image: fileOf(spec, 'image'), text: fileOf(spec, 'text') }, config, tokenizer, sessionOptions);
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
