// RMIA (Zarifzadeh et al. 2024), offline: how much more likely the target makes a record than the reference models
// do, relative to the same ratio on population records that no model trained on.
import { z } from 'zod';
import { MiaError } from '../../../common/errors';
import type { AttackModule } from '../attack-module';
import type { RunRecord } from '../run-record';
import { labelsOf, membershipMask, type ClassifierModels, type ClassifierTarget } from './classifier-target';
import { offlineAGrid, rmiaScores, tuneOfflineA } from './rmia-math';

const RmiaParams = z.strictObject({
  a: z.number().min(0).max(1).default(0.3).describe('Offline scaling: Pr(x) = ½[(1+a)·Pr_OUT(x) + (1−a)].'),
  tuneA: z
    .boolean()
    .default(false)
    .describe(
      'Choose a from 0, 0.05, …, 1 by attacking each reference model with the others (their manifests give the truth); replaces a. Needs at least 2 reference models.',
    ),
  gamma: z.number().positive().default(1).describe("Threshold γ on the pairwise likelihood ratio (the paper's experiments use 2)."),
  populationSize: z
    .number()
    .int()
    .min(10)
    .default(1000)
    .describe('Population records (role "population") to compare against; a seeded sample when the dataset has more.'),
});

async function trueClassProbabilities(
  model: ClassifierTarget,
  records: readonly RunRecord[],
  labels: Int32Array,
  phase: string,
): Promise<Float64Array> {
  const outputs = await model.outputs(records, { phase });
  return Float64Array.from(labels, (y, i) => outputs.probabilities[i * outputs.classes + y]!);
}

export const rmiaAttack: AttackModule<typeof RmiaParams, ClassifierTarget, ClassifierModels> = {
  id: 'rmia',
  family: 'classifier',
  title: 'Relative membership inference, RMIA (Zarifzadeh et al. 2024)',
  description:
    "Black-box access to the target's probabilities, reference models with training manifests, and population records that no model trained on. A record scores high when, relative to the reference models, the target favours it more than it favours most population records.",
  params: RmiaParams,
  needs: { referenceModels: 'required', roles: ['population'] },
  estimateModelCalls: (params, counts) => ({ model: (counts.audited + params.populationSize) * (counts.references + 1) }),
  async run(ctx) {
    const { records, params } = ctx;
    let population = ctx.dataset.filter((record) => record.role === 'population');
    if (population.length === 0)
      throw new MiaError('run.missing-role', 'RMIA needs records with role "population" (known non-members of every model).');
    const notes: string[] = [];
    if (population.length > params.populationSize) {
      const all = population;
      const picked = Array.from(ctx.random.fork('population').sampleWithoutReplacement(all.length, params.populationSize)).sort(
        (a, b) => a - b,
      );
      population = picked.map((index) => all[index]!);
      notes.push(
        `Population: a seeded sample of ${params.populationSize} of ${ctx.dataset.filter((r) => r.role === 'population').length} population records.`,
      );
    }
    const recordLabels = labelsOf(records, 'rmia');
    const populationLabels = labelsOf(population, 'rmia');
    const references = ctx.models.references;
    const referenceRecords: Float64Array[] = [];
    const referencePopulation: Float64Array[] = [];
    for (const reference of references) {
      ctx.signal.throwIfAborted();
      referenceRecords.push(await trueClassProbabilities(reference.model, records, recordLabels, 'reference models'));
      referencePopulation.push(await trueClassProbabilities(reference.model, population, populationLabels, 'reference models'));
    }
    const referenceInputs = {
      referenceRecords,
      referencePopulation,
      inRecords: references.map((reference) => membershipMask(records, reference.trainedOn)),
      inPopulation: references.map((reference) => membershipMask(population, reference.trainedOn)),
    };
    let a = params.a;
    if (params.tuneA) {
      const tuned = tuneOfflineA(referenceInputs, params.gamma);
      if (!tuned) {
        throw new MiaError(
          'rmia.cannot-tune',
          'Tuning a needs at least 2 reference models, one of which trained on some but not all of the audited records.',
        );
      }
      a = tuned.a;
      const aucAt = (value: number) => tuned.meanAuc[offlineAGrid.indexOf(value)]?.toFixed(4) ?? 'not on the grid';
      notes.push(
        `a = ${a} chosen by attacking each of ${tuned.pseudoTargets} reference models with the others (mean AUC ${aucAt(a)}; at a = ${params.a}: ${aucAt(params.a)}).`,
      );
    }
    const outcome = rmiaScores(
      {
        targetRecords: await trueClassProbabilities(ctx.target, records, recordLabels, 'target'),
        targetPopulation: await trueClassProbabilities(ctx.target, population, populationLabels, 'target'),
        ...referenceInputs,
      },
      { a, gamma: params.gamma },
    );
    notes.unshift(
      `RMIA offline, a = ${a}${params.tuneA ? ' (tuned)' : ''}, γ = ${params.gamma}, ${population.length} population records, ${references.length} reference models.`,
    );
    if (outcome.withoutOutModels > 0)
      notes.push(`${outcome.withoutOutModels} records had no OUT reference model; their Pr(x) averages all reference models.`);
    const modelCalls = ctx.target.modelCalls + references.reduce((sum, reference) => sum + reference.model.modelCalls, 0);
    return { recordIds: Int32Array.from(records, (r) => r.id), scores: outcome.scores, modelCalls, notes };
  },
};
