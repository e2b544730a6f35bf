// Set-level inference from scores: given a base attack's scores of the suspect records and of the same-distribution
// non-members (role nonmember-reference), the one-sided Mann–Whitney test (the p-value a verdict reads), Welch's t
// beside it, the effect sizes, and the power curve over smaller suspect sets.
import type { StoredSetInference } from '../../../src-shared/domain/set-inference';
import { mannWhitneyGreater } from './mann-whitney';
import { setInferencePowerCurve, type PowerCurveRequest } from './set-inference-power';
import { welchGreater } from './welch-t';

/** The scores of both groups and the power curve's settings: what the power curve itself takes. */
export type SetInferenceRequest = PowerCurveRequest;

export function setInference(request: SetInferenceRequest): StoredSetInference {
  const { suspects, references } = request;
  const rank = mannWhitneyGreater(suspects, references);
  const welch = suspects.length >= 2 && references.length >= 2 ? welchGreater(suspects, references) : null;
  const power = setInferencePowerCurve({ ...request, random: request.random.fork('power') });
  return {
    pValue: rank.pValue,
    method: rank.method,
    u: rank.u,
    commonLanguage: rank.commonLanguage,
    rankBiserial: rank.rankBiserial,
    suspects: suspects.length,
    references: references.length,
    welch,
    alpha: request.alpha,
    powerDraws: request.draws,
    power: power.map((point) => ({ size: point.size, power: point.power })),
  };
}
