// The list of attack modules. Adding an attack means adding its module here; nothing else changes. Set inference is
// not listed: it is a test over one of these, resolved with its base by run-attack.ts.
import { MiaError } from '../../common/errors';
import type { AttackModule } from './attack-module';
import { labelOnlyAugmentationAttack } from './classifier/label-only-augmentation-attack';
import { labelOnlyBoundaryAttack } from './classifier/label-only-boundary-attack';
import { liraAttack } from './classifier/lira-attack';
import { confidenceAttack, entropyAttack, lossAttack, modifiedEntropyAttack } from './classifier/metric-attacks';
import { qmiaAttack } from './classifier/qmia-attack';
import { rmiaAttack } from './classifier/rmia-attack';
import { shokriAttack } from './classifier/shokri-attack';
import { aeaAttack } from './clip/aea-attack';
import { csaAttack } from './clip/csa-attack';
import { wsaAttack } from './clip/wsa-attack';
import { diffusionLossAttack } from './diffusion/diffusion-loss-attack';
import { pianAttack, piaAttack } from './diffusion/pia-attack';
import { rediffuseAttack } from './diffusion/rediffuse-attack';
import { secmiAttack } from './diffusion/secmi-attack';

// Each module is typed with its own parameters, target and model shapes; the list holds them as AttackModule, the
// part every module has. That assignment type-checks because `run` and `estimateModelCalls` are methods (TypeScript
// compares method parameters both ways), and it is safe because the engine pairs each module only with the runtime
// of its own `family` (openFamilyRuntime) and with parameters parsed by its own schema (attack-job.ts).
export const attackModules: readonly AttackModule[] = [
  lossAttack,
  confidenceAttack,
  entropyAttack,
  modifiedEntropyAttack,
  shokriAttack,
  liraAttack,
  rmiaAttack,
  qmiaAttack,
  labelOnlyAugmentationAttack,
  labelOnlyBoundaryAttack,
  csaAttack,
  aeaAttack,
  wsaAttack,
  rediffuseAttack,
  secmiAttack,
  piaAttack,
  pianAttack,
  diffusionLossAttack,
];

export function findAttack(id: string): AttackModule {
  const found = attackModules.find((module) => module.id === id);
  if (!found) {
    const known = attackModules.map((module) => module.id).join(', ') || 'none yet';
    throw new MiaError('attack.unknown', `There is no attack called "${id}". Known attacks: ${known}.`);
  }
  return found;
}
