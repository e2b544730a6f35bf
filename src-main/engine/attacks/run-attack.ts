// The one place that knows a run's attack id may name a set-level test over another attack: `set-inference` takes
// its family, needs and estimate from `params.base`. Every caller that starts, estimates or checks a run asks here
// (with the run's parameters) instead of the registry; nothing else switches on the id.
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import type { AttackModule } from './attack-module';
import { findAttack } from './registry';
import { setInferenceAttackId, setInferenceAttackOver } from './set-inference/set-inference-attack';

const BaseOf = z.object({ base: z.string().min(1) });

/** The attack module a run with this attack id and these (unparsed) parameters runs. */
export function findRunAttack(id: string, params: unknown): AttackModule {
  if (id !== setInferenceAttackId) return findAttack(id);
  const parsed = BaseOf.safeParse(params);
  if (!parsed.success) {
    throw new MiaError(
      'run.invalid-params',
      `Parameters of ${setInferenceAttackId}: "base" must name the attack whose scores are tested (e.g. "pia", "csa", "loss").`,
    );
  }
  return setInferenceAttackOver(findAttack(parsed.data.base));
}

/** The roles of the records a run of this attack scores: audited then calibration records, or a set-level test's own. */
export function scoredRolesOf(attack: AttackModule): readonly string[] {
  return attack.setLevel?.scoredRoles ?? ['audit', 'calibration'];
}
