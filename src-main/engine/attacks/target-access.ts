// Whether an attack can work through the access a target gives. An image-variation API returns images only, so an
// attack that needs the denoiser's ε-predictions (SecMI, PIA, the diffusion loss) is refused before the run starts,
// never half-run; a label-only classifier gives its predicted label only, so an attack that needs probabilities or
// logits (loss, LiRA, RMIA …) is refused the same way. The service checks it when a run is resolved and the engine
// host again before it opens a model.
import { z } from 'zod';
import type { RemoteModelDescriptor } from '../../../src-shared/domain/remote-models';
import { attackAccessProblem, classifierAccessOf, diffusionAccessOf, type TargetAccess } from '../../../src-shared/domain/target-access';
import { MiaError } from '../../common/errors';
import type { AttackModule } from './attack-module';

const LabelOnlyMark = z.looseObject({ labelOnly: z.boolean().optional() });

interface TargetForAccess {
  readonly name: string;
  readonly kind?: string;
  readonly config?: unknown;
  readonly remote?: RemoteModelDescriptor | null | undefined;
}

/** How this target is reached: a classifier's outputs or its labels only (its stored config's labelOnly), a diffusion model's denoiser or variation API. */
export function targetAccessOf(target: TargetForAccess): TargetAccess {
  if (target.kind === 'classifier') return classifierAccessOf(LabelOnlyMark.safeParse(target.config).data?.labelOnly);
  return diffusionAccessOf(target.remote);
}

export function checkTargetAccess(attack: Pick<AttackModule, 'id' | 'title' | 'needs' | 'family'>, target: TargetForAccess): void {
  // The one rule New run also applies (src-shared/domain/target-access.ts), so the form and the start agree.
  const access = targetAccessOf({ kind: attack.family, ...target });
  if (attackAccessProblem(attack, access) === null) return;
  if (access === 'labels') {
    throw new MiaError(
      'run.target-access',
      `The ${attack.title} attack needs the target's probabilities or logits, but "${target.name}" is treated as label-only (it gives its predicted label only). Run label-only-augmentation or label-only-boundary on it, or import the model without the label-only mark.`,
      { attack: attack.id, access },
    );
  }
  const url = target.remote?.endpoint.url ?? '';
  throw new MiaError(
    'run.target-access',
    `The ${attack.title} attack needs the denoiser's noise predictions, but "${target.name}" is an image-variation API at ${url}, which returns images only. Run ReDiffuse on it, or import the model itself.`,
    { attack: attack.id, url },
  );
}
