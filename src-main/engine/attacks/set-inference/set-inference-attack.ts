// Set inference as an attack module over one base attack: it takes the base's family, needs and model-call formula
// (over the suspects and references it scores), so starting, estimating and pinning a set-inference run go through
// the same code as any attack. Its run() is runSetInference; the test's figures come back as the run's metric rows.
import { z } from 'zod';
import { setInferenceRows } from '../../../../src-shared/domain/set-inference';
import type { AttackContext, AttackModule } from '../attack-module';
import { SetInferenceParams } from './set-inference-params';
import { runSetInference } from './set-inference-run';

export const setInferenceAttackId = 'set-inference';

/** The roles of the records a set-inference run scores: the suspect collection and same-distribution non-members. */
export const setInferenceScoredRoles = ['suspect', 'nonmember-reference'] as const;

export function setInferenceAttackOver(base: AttackModule): AttackModule {
  // The base's own schema fills in its defaults, so the stored configuration says exactly what was run; the default is
  // the base's parsed defaults, so a run's name (which lists non-default parameters) does not spell them out.
  const baseDefaults = base.params.safeParse({});
  const baseParams = baseDefaults.success ? base.params.default(baseDefaults.data) : base.params.prefault({});
  const params = SetInferenceParams.extend({ baseParams });
  return {
    id: setInferenceAttackId,
    family: base.family,
    title: `Set inference over ${base.title}`,
    description:
      `Tests whether a suspect collection, as a group, was in the training data: the ${base.title} attack scores the ` +
      'suspect records and non-member reference records from the same distribution, and a one-sided Mann–Whitney ' +
      'test asks whether the suspects score higher. A small p-value is evidence that the set was trained on; it says ' +
      'nothing about any single record.',
    params,
    needs: { ...base.needs, roles: [...new Set([...(base.needs.roles ?? []), ...setInferenceScoredRoles])] },
    setLevel: { scoredRoles: setInferenceScoredRoles },
    estimateModelCalls: (p: z.output<typeof params>, counts) => base.estimateModelCalls(p.baseParams, counts),
    async run(ctx: AttackContext<z.output<typeof params>, unknown, unknown>) {
      const outcome = await runSetInference({ ...ctx, params: ctx.params as SetInferenceParams });
      return {
        ...outcome.result,
        extraMetrics: setInferenceRows(outcome.setInference).map(({ name, slice, value, note }) => ({ name, slice, value, note })),
      };
    },
  };
}
