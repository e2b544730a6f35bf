// ln Γ(x) for x > 0, for beta functions with parameters that are not whole numbers (Student's t with Welch's
// fractional degrees of freedom). Stirling's series is accurate to double precision once x ≥ 15; smaller arguments
// are carried up there by the recurrence Γ(x + 1) = x·Γ(x).
import { MiaError } from '../../common/errors';

const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);

export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new MiaError('metrics.invalid-gamma', `ln Γ(x) is computed here for finite x > 0; got x = ${String(x)}.`, { x });
  }
  let shift = 0;
  let z = x;
  while (z < 15) {
    shift += Math.log(z);
    z += 1;
  }
  const inverse = 1 / z;
  const inverseSquared = inverse * inverse;
  // The Bernoulli-number terms B₂ₖ / (2k(2k − 1) z^(2k−1)) for k = 1 … 5.
  const series =
    inverse * (1 / 12 - inverseSquared * (1 / 360 - inverseSquared * (1 / 1260 - inverseSquared * (1 / 1680 - inverseSquared / 1188))));
  return (z - 0.5) * Math.log(z) - z + halfLogTwoPi + series - shift;
}
