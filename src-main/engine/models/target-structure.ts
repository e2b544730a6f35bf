// A target's structure as the model-call estimate needs it (latent or not, class- or text-conditional), read from
// the configuration stored at import, so the estimate before Start and the run's progress total agree without
// opening any model file.
import type { ModelKind } from '../../../src-shared/domain/models';
import { plainTarget, type TargetStructure } from '../../../src-shared/domain/model-calls';
import { remoteProtocolOf, type RemoteModelDescriptor } from '../../../src-shared/domain/remote-models';
import { DiffusionConfig } from './model-config';

export function targetStructureOf(model: {
  readonly kind: ModelKind;
  readonly config: unknown;
  readonly remote?: RemoteModelDescriptor | null | undefined;
}): TargetStructure {
  if (model.kind !== 'diffusion') return plainTarget;
  // An image-variation API is called once per record, whatever its model's structure.
  if (model.remote && remoteProtocolOf(model.remote) === 'image-variation') return { ...plainTarget, access: 'image-variation' };
  const parsed = DiffusionConfig.safeParse(model.config);
  // A config that does not parse is refused when the run opens the model; the estimate then counts the denoiser only.
  if (!parsed.success) return plainTarget;
  const config = parsed.data;
  // The same hints the diffusion runtime opens a VAE for (diffusion-runtime.ts): a pixel shape or a scaling factor.
  const latent = config.pixelShape !== undefined || config.vaeScalingFactor !== undefined;
  return { latent, conditioning: config.conditioning?.kind ?? 'none' };
}
