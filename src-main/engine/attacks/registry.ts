// The list of attack modules. Adding an attack means adding its module here; nothing else changes.
import { MiaError } from '../../common/errors';
import type { AttackModule } from './attack-module';

export const attackModules: readonly AttackModule[] = [];

export function findAttack(id: string): AttackModule {
  const found = attackModules.find((module) => module.id === id);
  if (!found) {
    const known = attackModules.map((module) => module.id).join(', ') || 'none yet';
    throw new MiaError('attack.unknown', `There is no attack called "${id}". Known attacks: ${known}.`);
  }
  return found;
}
