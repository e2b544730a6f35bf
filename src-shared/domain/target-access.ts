// Which access to a target an attack needs. A diffusion target is reached through its denoiser (a local pipeline or a
// KServe model) or only through an image-variation API, which returns images and never the denoiser's noise
// predictions. A classifier target gives its outputs (probabilities or logits), or only its labels: a model marked
// label-only, or one whose output is the class index itself. New run disables the attacks a target cannot serve with
// `targetAccessProblem`'s reason; the run start refuses them (run.target-access).
import { z } from 'zod';
import { remoteProtocolOf, type RemoteModelDescriptor } from './remote-models';

export const DiffusionAccess = z.enum(['denoiser', 'image-variation']);
export type DiffusionAccess = z.infer<typeof DiffusionAccess>;

export const ClassifierAccess = z.enum(['outputs', 'labels']);
export type ClassifierAccess = z.infer<typeof ClassifierAccess>;

export type TargetAccess = DiffusionAccess | ClassifierAccess;

/** How a target is reached: through an image-variation API, else through its denoiser (every local or KServe model). */
export function diffusionAccessOf(remote: Pick<RemoteModelDescriptor, 'protocol'> | null | undefined): DiffusionAccess {
  return remote && remoteProtocolOf(remote) === 'image-variation' ? 'image-variation' : 'denoiser';
}

/** What a classifier target gives: its labels only when it is label-only (marked so, or its output is the class index). */
export function classifierAccessOf(labelOnly: boolean | undefined): ClassifierAccess {
  return labelOnly === true ? 'labels' : 'outputs';
}

/** What an attack that declares no access needs: the full access of its family. */
const fullAccess: readonly TargetAccess[] = ['denoiser', 'outputs'];

const missing: Record<TargetAccess, string> = {
  denoiser: 'It works through an image-variation API only, and this target is the denoiser itself.',
  'image-variation': "It needs the denoiser's noise predictions, which an image-variation API does not expose.",
  outputs: 'It works on label-only targets only.',
  labels: 'It needs the probabilities or logits, which a label-only target does not expose (only its predicted label).',
};

/** Why an attack needing `needed` (absent: its family's full access) cannot run through `access`, in one sentence; null when it can. */
export function targetAccessProblem(needed: readonly TargetAccess[] | undefined, access: TargetAccess): string | null {
  if ((needed ?? fullAccess).includes(access)) return null;
  return missing[access];
}

/** What an attack declares about access, as the attack modules and the attack catalogue both carry it. */
export interface AttackAccessNeeds {
  readonly family: string;
  readonly needs: { readonly diffusionAccess?: readonly DiffusionAccess[]; readonly classifierAccess?: readonly ClassifierAccess[] };
}

/** The one rule New run and the run start both apply: why this attack cannot reach a target of its family through `access`. */
export function attackAccessProblem(attack: AttackAccessNeeds, access: TargetAccess): string | null {
  if (attack.family === 'diffusion' && DiffusionAccess.safeParse(access).success)
    return targetAccessProblem(attack.needs.diffusionAccess, access);
  if (attack.family === 'classifier' && ClassifierAccess.safeParse(access).success)
    return targetAccessProblem(attack.needs.classifierAccess, access);
  return null;
}
