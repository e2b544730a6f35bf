// Whether an attack can work through the access a target gives. An image-variation API returns images only, so an
// attack that needs the denoiser's ε-predictions (SecMI, PIA, the diffusion loss) is refused before the run starts,
// never half-run; the service checks it when a run is resolved and the engine host again before it opens a model.
import type { RemoteModelDescriptor } from '../../../src-shared/domain/remote-models';
import { diffusionAccessOf, targetAccessProblem } from '../../../src-shared/domain/target-access';
import { MiaError } from '../../common/errors';
import type { AttackModule } from './attack-module';

export function checkTargetAccess(
  attack: Pick<AttackModule, 'id' | 'title' | 'needs'>,
  target: { readonly name: string; readonly remote?: RemoteModelDescriptor | null | undefined },
): void {
  // The one rule New run also applies (src-shared/domain/target-access.ts), so the form and the start agree.
  if (!target.remote || targetAccessProblem(attack.needs.diffusionAccess, diffusionAccessOf(target.remote)) === null) return;
  throw new MiaError(
    'run.target-access',
    `The ${attack.title} attack needs the denoiser's noise predictions, but "${target.name}" is an image-variation API at ${target.remote.endpoint.url}, which returns images only. Run ReDiffuse on it, or import the model itself.`,
    { attack: attack.id, url: target.remote.endpoint.url },
  );
}
