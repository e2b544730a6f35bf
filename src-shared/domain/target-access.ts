// Which access to a diffusion target an attack needs: the denoiser itself (a local pipeline or a KServe model), or only
// an image-variation API, which returns images and never the denoiser's noise predictions. New run disables the
// attacks a target cannot serve with `targetAccessProblem`'s reason; the run start refuses them (run.target-access).
import { z } from 'zod';
import { remoteProtocolOf, type RemoteModelDescriptor } from './remote-models';

export const DiffusionAccess = z.enum(['denoiser', 'image-variation']);
export type DiffusionAccess = z.infer<typeof DiffusionAccess>;

/** How a target is reached: through an image-variation API, else through its denoiser (every local or KServe model). */
export function diffusionAccessOf(remote: Pick<RemoteModelDescriptor, 'protocol'> | null | undefined): DiffusionAccess {
  return remote && remoteProtocolOf(remote) === 'image-variation' ? 'image-variation' : 'denoiser';
}

/** Why an attack needing `needed` (absent: the denoiser only) cannot run through `access`, in one sentence; null when it can. */
export function targetAccessProblem(needed: readonly DiffusionAccess[] | undefined, access: DiffusionAccess): string | null {
  if ((needed ?? ['denoiser']).includes(access)) return null;
  return "It needs the denoiser's noise predictions, which an image-variation API does not expose.";
}
