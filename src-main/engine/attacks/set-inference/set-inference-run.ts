// Set-level inference over a base attack: the base module's own run(ctx) scores the suspect and nonmember-reference
// records (they are handed to it as the records to score, so every attack works unchanged and scores them exactly as
// it scores audited records), then the statistics test whether the suspects, as a group, are scored as members.
// Neither role is audited: no member / non-member metric is computed from these records.
import { MiaError } from '../../../common/errors';
import { parseWith } from '../../../common/parse';
import type { StoredSetInference } from '../../../../src-shared/domain/set-inference';
import { setInference } from '../../metrics/set-inference';
import type { AttackContext, AttackModule, AttackResult } from '../attack-module';
import { findAttack } from '../registry';
import type { RunRecord } from '../run-record';
import type { SetInferenceParams } from './set-inference-params';

export interface SetInferenceOutcome {
  /** The base attack's result on the suspects followed by the references, as a run stores scores. */
  readonly result: AttackResult;
  readonly setInference: StoredSetInference;
}

/** The base attack a set-inference run scores with; refused when unknown. */
export function setInferenceBase(params: SetInferenceParams): AttackModule {
  return findAttack(params.base);
}

export async function runSetInference(ctx: AttackContext<SetInferenceParams, unknown, unknown>): Promise<SetInferenceOutcome> {
  const base = setInferenceBase(ctx.params);
  const baseParams = parseWith(base.params, ctx.params.baseParams, `Parameters of the base attack ${base.id}`, 'run.invalid-params');
  const suspects = ctx.dataset.filter((r) => r.role === 'suspect');
  const references = ctx.dataset.filter((r) => r.role === 'nonmember-reference');
  for (const [role, found] of [
    ['suspect', suspects],
    ['nonmember-reference', references],
  ] as const) {
    if (found.length === 0) {
      throw new MiaError(
        'run.missing-role',
        `Set inference needs records with role "${role}" (${role === 'suspect' ? 'the suspect collection' : 'non-members from the same distribution'}), and the dataset has none.`,
      );
    }
  }
  const scored = [...suspects, ...references];
  const result = await base.run({ ...ctx, params: baseParams, random: ctx.random.fork(`base/${base.id}`), records: scored });
  const byId = scoresById(result, scored, base.id);
  const scoresOf = (records: readonly RunRecord[]) => Float64Array.from(records, (r) => byId.get(r.id)!);
  return {
    result,
    setInference: setInference({
      suspects: scoresOf(suspects),
      references: scoresOf(references),
      random: ctx.random.fork('set-inference'),
      alpha: ctx.params.alpha,
      draws: ctx.params.powerDraws,
      sizes: ctx.params.powerSizes,
    }),
  };
}

/** Every handed record scored exactly once with a finite score, or the run fails naming the first problem. */
function scoresById(result: AttackResult, scored: readonly RunRecord[], baseId: string): Map<number, number> {
  const byId = new Map<number, number>();
  result.recordIds.forEach((id, i) => byId.set(id, result.scores[i]!));
  for (const record of scored) {
    const score = byId.get(record.id);
    if (score === undefined || !Number.isFinite(score)) {
      throw new MiaError(
        'attack.bad-result',
        `The base attack ${baseId} gave record ${record.key} (role ${record.role}) ${score === undefined ? 'no score' : `the score ${score}`}.`,
      );
    }
  }
  return byId;
}
