// Quantile-regression MIA, qmia (Bertran et al. 2023): no shadow or reference models. A small CNN learns from
// population records (non-members) the (1 − α) quantile of the target's logit margin φ given the image alone; a
// record whose φ exceeds its predicted quantile is called a member. Thresholding at zero therefore has FPR α on
// non-members, which the run measures on the audited non-members and checks.
import { z } from 'zod';
import { MiaError } from '../../../common/errors';
import type { AttackModule } from '../attack-module';
import { labelsOf, type ClassifierModels, type ClassifierTarget } from './classifier-target';
import { liraStatistic } from './lira-math';
import { checkFprAtZero, conformalShift, qmiaScores } from './qmia-math';
import { splitForRegressor, trainingRole } from './qmia-training-split';

const QmiaParams = z.strictObject({
  alpha: z
    .number()
    .gt(0)
    .lt(0.5)
    .default(0.05)
    .describe(
      'The false-positive rate the zero threshold is built for: the regressor learns the (1 − α) quantile of non-members’ φ. 0.05 rather than the paper’s 0.01 by default: with 500 audited non-members, α = 0.01 means about 5 false positives, too few to check the rate or to read precision from.',
    ),
  epochs: z.number().int().min(1).max(500).default(20).describe('Training epochs of the quantile regressor.'),
  width: z
    .number()
    .int()
    .min(2)
    .max(64)
    .default(8)
    .describe('Regressor size: channels of its first convolution (the second has twice as many, the dense layer four times).'),
  heldOutFraction: z
    .number()
    .min(0.05)
    .max(0.5)
    .default(0.2)
    .describe(
      'Share of the population records held out from training (a seeded split); the predicted quantiles are shifted so that at most α of them score above zero (split-conformal calibration).',
    ),
  conformal: z
    .boolean()
    .default(true)
    .describe(
      'Shift the predicted quantiles on the held-out records so the FPR at zero holds on fresh non-members; off: the regressor alone, as in the paper.',
    ),
});

/** φ as LiRA computes it (lira-math.ts), on the target's outputs; one model call per record. */
async function phiOf(model: ClassifierTarget, records: Parameters<ClassifierTarget['outputs']>[0], phase: string): Promise<Float64Array> {
  return liraStatistic(await model.outputs(records, { phase }), labelsOf(records, 'qmia'));
}

export const qmiaAttack: AttackModule<typeof QmiaParams, ClassifierTarget, ClassifierModels> = {
  id: 'qmia',
  family: 'classifier',
  title: 'Quantile-regression MIA, QMIA (Bertran et al. 2023)',
  description:
    "Black-box access to the target's outputs plus non-member records of the same distribution (role population); no shadow or reference models. A small CNN, trained with the pinball loss on the population records, predicts from the image alone the (1 − α) quantile of the target's logit margin φ on non-members. The score is φ(x) − q̂(x): above zero means more confident than all but a fraction α of non-members on such an image, so the zero threshold has false-positive rate α by construction, which the run checks. Needs a Python with PyTorch to train the regressor.",
  params: QmiaParams,
  needs: { roles: [trainingRole], python: 'required' },
  // Target calls: the population records once (φ for training) and the scored records once. The regressor's own
  // forward passes are not queries of the model under audit, so they are not counted.
  estimateModelCalls: (_params, counts) => ({ model: counts.audited + (counts.roleCounts?.[trainingRole] ?? 0) }),
  async run(ctx) {
    const { records, params } = ctx;
    const trainer = ctx.models.quantileRegressors;
    if (!trainer)
      throw new MiaError(
        'run.no-python',
        'The qmia attack trains a quantile regressor with PyTorch, and this run was started without a Python that has it. Choose one in Settings, or set MIA_PYTHON.',
      );
    const population = ctx.dataset.filter((r) => r.role === trainingRole);
    if (population.length < 20)
      throw new MiaError(
        'run.missing-role',
        `The qmia attack trains its regressor on records with role "${trainingRole}"; the dataset has ${population.length}, and at least 20 are needed.`,
      );
    const heldOut = splitForRegressor(population.length, params.heldOutFraction, ctx.random.fork('qmia/split'));
    const populationPhi = await phiOf(ctx.target, population, 'population (regressor training scores)');
    const regressor = await trainer.train(
      {
        records: population,
        scores: populationPhi,
        heldOut,
        quantile: 1 - params.alpha,
        width: params.width,
        epochs: params.epochs,
        seed: ctx.random.fork('qmia/regressor').nextInt(2 ** 31),
        scoredBy: ctx.target.name,
      },
      ctx,
    );
    try {
      ctx.signal.throwIfAborted();
      const heldOutRecords = population.filter((_, i) => heldOut[i] === 1);
      const heldOutResiduals = qmiaScores(
        populationPhi.filter((_, i) => heldOut[i] === 1),
        await regressor.predict(heldOutRecords),
      );
      const shift = params.conformal ? conformalShift(heldOutResiduals, params.alpha) : { shift: 0, capped: false };
      const phi = await phiOf(ctx.target, records, 'scoring');
      const quantiles = (await regressor.predict(records)).map((q) => q + shift.shift);
      const scores = qmiaScores(phi, quantiles);
      const audited = records.map((r, i) => ({ r, i })).filter(({ r }) => r.role === 'audit' && r.member !== null);
      const check = checkFprAtZero(
        audited.map(({ i }) => scores[i]!),
        audited.map(({ r }) => r.member!),
        params.alpha,
      );
      const notes = [
        `QMIA at α = ${params.alpha}: a quantile regressor (width ${params.width}, ${params.epochs} epochs) trained on ${population.length - heldOutRecords.length} population records' φ under ${ctx.target.name}, ${heldOutRecords.length} held out; coverage ${formatShare(regressor.trainCoverage)} on training and ${regressor.heldOutCoverage === null ? 'n/a' : formatShare(regressor.heldOutCoverage)} held out (aim ${formatShare(1 - params.alpha)}).`,
        `The regressor is kept with the run: ${regressor.file} (SHA-256 ${regressor.sha256}), beside its job file (the records and scores it learnt from).`,
        params.conformal
          ? `Predicted quantiles shifted by ${shift.shift.toFixed(4)} so that at most α of the held-out records score above zero${shift.capped ? ' (too few held-out records for that rank: the largest residual was used, a conservative shift)' : ''}.`
          : 'No conformal shift: the regressor’s quantiles are used as they are.',
      ];
      if (check)
        notes.push(
          `FPR at threshold 0 on ${check.nonMembers} audited non-members: ${formatShare(check.fpr)} (${check.falsePositives}), 95 % Clopper–Pearson interval ${formatShare(check.low)}–${formatShare(check.high)}; α = ${params.alpha} ${check.consistent ? 'lies inside it: the measured rate is consistent with α' : 'lies outside it: the zero threshold does not hold its rate on these records (a population that differs from the audited non-members, or too small a regressor)'}.`,
        );
      return {
        recordIds: Int32Array.from(records, (r) => r.id),
        scores,
        modelCalls: ctx.target.modelCalls,
        notes,
        extraMetrics: [
          { name: 'qmia_alpha', value: params.alpha, note: 'the FPR the zero threshold is built for' },
          { name: 'qmia_fpr_at_zero', value: check?.fpr ?? null, note: 'measured on the audited non-members' },
          { name: 'qmia_fpr_ci_low', value: check?.low ?? null, note: '95 % Clopper–Pearson, lower' },
          { name: 'qmia_fpr_ci_high', value: check?.high ?? null, note: '95 % Clopper–Pearson, upper' },
          {
            name: 'qmia_fpr_consistent',
            value: check ? (check.consistent ? 1 : 0) : null,
            note: '1 when α lies in the interval of the measured FPR',
          },
          { name: 'qmia_heldout_coverage', value: regressor.heldOutCoverage, note: 'before the conformal shift' },
        ],
        decisionThreshold: {
          threshold: 0,
          reason: `QMIA's own threshold: φ above the predicted (1 − ${params.alpha}) quantile of non-members`,
        },
      };
    } finally {
      await regressor.release();
    }
  },
};

function formatShare(value: number): string {
  return `${(100 * value).toFixed(1)} %`;
}
