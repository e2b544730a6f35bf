// Whether an attack can work through the access a target gives. An image-variation API returns images only, so an
// attack that needs the denoiser's ε-predictions (SecMI, PIA, the diffusion loss) is refused before the run starts,
// never half-run; the service checks it when a run is resolved and the engine host again before it opens a model.
import { remoteProtocolOf, type RemoteModelDescriptor } from '../../../src-shared/domain/remote-models';
import { MiaError } from '../../common/errors';
import type { AttackModule } from './attack-module';

export function checkTargetAccess(
  attack: Pick<AttackModule, 'id' | 'title' | 'needs'>,
  target: { readonly name: string; readonly remote?: RemoteModelDescriptor | null | undefined },
): void {
  if (!target.remote || remoteProtocolOf(target.remote) !== 'image-variation') return;
  if ((attack.needs.diffusionAccess ?? ['denoiser']).includes('image-variation')) return;
  throw new MiaError(
    'run.target-access',
    `The ${attack.title} attack needs the denoiser's noise predictions, but "${target.name}" is an image-variation API at ${target.remote.endpoint.url}, which returns images only. Run ReDiffuse on it, or import the model itself.`,
    { attack: attack.id, url: target.remote.endpoint.url },
  );
}
