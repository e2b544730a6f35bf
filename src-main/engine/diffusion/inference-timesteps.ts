// The timesteps a diffusers DDIM sampler visits for a number of inference steps, by the schedule's timestep_spacing
// ("leading" with steps_offset, "trailing", "linspace"), so a walk over a pipeline's schedule lands where diffusers'
// would. Descending, as DDIMScheduler.set_timesteps returns them.
import { MiaError } from '../../common/errors';
import type { NoiseSchedule } from './scheduler';

/** numpy's rounding (half to even), which diffusers applies to the spaced timesteps. */
export function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function ddimTimesteps(
  schedule: Pick<NoiseSchedule, 'timesteps' | 'stepsOffset' | 'timestepSpacing'>,
  inferenceSteps: number,
): number[] {
  const trainSteps = schedule.timesteps;
  if (!Number.isInteger(inferenceSteps) || inferenceSteps < 1 || inferenceSteps > trainSteps) {
    throw new MiaError(
      'diffusion.bad-steps',
      `The number of DDIM steps must be a whole number from 1 to num_train_timesteps (${trainSteps}), got ${inferenceSteps}.`,
    );
  }
  let steps: number[];
  switch (schedule.timestepSpacing) {
    case 'linspace': {
      // np.linspace(0, T − 1, n): i·step from 0, the last value exactly T − 1.
      const step = inferenceSteps === 1 ? 0 : (trainSteps - 1) / (inferenceSteps - 1);
      steps = Array.from({ length: inferenceSteps }, (_, i) =>
        roundHalfToEven(i === inferenceSteps - 1 && i > 0 ? trainSteps - 1 : i * step),
      );
      steps.reverse();
      break;
    }
    case 'leading': {
      const ratio = Math.floor(trainSteps / inferenceSteps);
      steps = Array.from({ length: inferenceSteps }, (_, i) => (inferenceSteps - 1 - i) * ratio + schedule.stepsOffset);
      break;
    }
    case 'trailing': {
      // np.round(np.arange(T, 0, −T/n)) − 1: arange's length is ⌈T / (T/n)⌉, its values T − i·(T/n).
      const ratio = trainSteps / inferenceSteps;
      const count = Math.ceil(-trainSteps / -ratio);
      steps = Array.from({ length: count }, (_, i) => roundHalfToEven(trainSteps + i * -ratio) - 1);
      break;
    }
  }
  const outside = steps.find((t) => t < 0 || t >= trainSteps);
  if (outside !== undefined) {
    throw new MiaError(
      'diffusion.bad-steps',
      `${inferenceSteps} DDIM steps with steps_offset ${schedule.stepsOffset} reach timestep ${outside}, outside the schedule's 0…${trainSteps - 1}; use fewer steps.`,
    );
  }
  return steps;
}
