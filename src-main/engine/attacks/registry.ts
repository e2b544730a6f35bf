// The list of attack modules. Adding an attack means adding its module here; nothing else changes.
import { MiaError } from '../../common/errors';
import type { AttackModule } from './attack-module';
import { liraAttack } from './classifier/lira-attack';
import { confidenceAttack, entropyAttack, lossAttack, modifiedEntropyAttack } from './classifier/metric-attacks';
import { rmiaAttack } from './classifier/rmia-attack';
import { shokriAttack } from './classifier/shokri-attack';
import { aeaAttack } from './clip/aea-attack';
import { csaAttack } from './clip/csa-attack';
import { wsaAttack } from './clip/wsa-attack';
import { diffusionLossAttack } from './diffusion/diffusion-loss-attack';
import { pianAttack, piaAttack } from './diffusion/pia-attack';
import { rediffuseAttack } from './diffusion/rediffuse-attack';
import { secmiAttack } from './diffusion/secmi-attack';

// Each module is typed with its own target and model shapes; the registry only needs what every module has.
export const attackModules: readonly AttackModule[] = [
  lossAttack,
  confidenceAttack,
  entropyAttack,
  modifiedEntropyAttack,
  shokriAttack,
  liraAttack,
  rmiaAttack,
  csaAttack,
  aeaAttack,
  wsaAttack,
  rediffuseAttack,
  secmiAttack,
  piaAttack,
  pianAttack,
  diffusionLossAttack,
] as unknown as readonly AttackModule[];

export function findAttack(id: string): AttackModule {
  const found = attackModules.find((module) => module.id === id);
  if (!found) {
    const known = attackModules.map((module) => module.id).join(', ') || 'none yet';
    throw new MiaError('attack.unknown', `There is no attack called "${id}". Known attacks: ${known}.`);
  }
  return found;
}
