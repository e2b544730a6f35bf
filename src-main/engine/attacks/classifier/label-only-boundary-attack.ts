// Label-only boundary-distance attack (Choquette-Choo et al. 2021; Li & Zhang 2021): each record's L2 distance to the
// target's decision boundary, estimated with a HopSkipJump-style search that reads predicted labels only (boundary-search.ts).
import { z } from 'zod';
import type { AttackModule } from '../attack-module';
import { boundaryDistances, boundarySchedule, minimumBoundaryBudget, queriesPerRecord } from './boundary-search';
import { labelsOf, type ClassifierModels, type ClassifierTarget } from './classifier-target';

const BoundaryParams = z.strictObject({
  queryBudget: z
    .number()
    .int()
    .min(minimumBoundaryBudget)
    .max(10_000)
    .default(40)
    .describe('Label queries per record at most; the search spends as many whole rounds (gradient probes, step, binary search) as fit.'),
  gradientQueries: z.number().int().min(2).max(1000).default(8).describe('Random probes per round that estimate the gradient direction.'),
});

// Records are searched a chunk at a time, all in step, so each query is one batch of the chunk's points.
const chunkRecords = 64;

export const labelOnlyBoundaryAttack: AttackModule<typeof BoundaryParams, ClassifierTarget, ClassifierModels> = {
  id: 'label-only-boundary',
  family: 'classifier',
  title: 'Label-only boundary distance (HopSkipJump-style)',
  description:
    "Label-only access: only the target's predicted label is read, so it also runs on label-only targets. The score is the record's L2 distance, in the model's input space (after normalisation), to the nearest decision boundary the search finds: a random start labelled otherwise, a binary search back to the boundary, then rounds of a gradient direction estimated from the labels of random probes, a geometric step and another binary search (HopSkipJump, Chen et al. 2020), seeded by the run. Members lie farther from the boundary. A record the target already mislabels scores 0; records without a label cannot be scored. The per-record query budget bounds the cost; the queries spent are reported.",
  params: BoundaryParams,
  needs: { classifierAccess: ['outputs', 'labels'] },
  estimateModelCalls: (params, counts) => ({
    model: counts.audited * queriesPerRecord(boundarySchedule(params.queryBudget, params.gradientQueries)),
  }),
  async run(ctx) {
    const { params, records, target } = ctx;
    const labels = labelsOf(records, 'label-only-boundary');
    const schedule = boundarySchedule(params.queryBudget, params.gradientQueries);
    const size = target.input.channels * target.input.height * target.input.width;
    const scores = new Float64Array(records.length);
    const random = ctx.random.fork('boundary');
    for (let start = 0; start < records.length; start += chunkRecords) {
      ctx.signal.throwIfAborted();
      const chunk = records.slice(start, start + chunkRecords);
      const distances = await boundaryDistances(
        await target.inputs(chunk),
        labels.subarray(start, start + chunk.length),
        size,
        schedule,
        (points, count) => target.predictedLabels(points, count, 'boundary search'),
        (r) => random.fork(chunk[r]!.key),
      );
      scores.set(distances, start);
    }
    const used = queriesPerRecord(schedule);
    return {
      recordIds: Int32Array.from(records, (r) => r.id),
      scores,
      modelCalls: target.modelCalls,
      notes: [
        `${used} label queries per record of a budget of ${params.queryBudget} (${schedule.rounds} rounds of ${params.gradientQueries} gradient probes, ${schedule.stepTries} step sizes and ${schedule.binarySteps} binary-search steps after the start); distances are L2 in the model's input space.`,
      ],
      extraMetrics: [{ name: 'label queries per record', value: used, note: `of a budget of ${params.queryBudget}` }],
    };
  },
};
