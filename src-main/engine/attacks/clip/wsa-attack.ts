// WSA, the weakly supervised attack (Ko et al. 2023): guaranteed non-members set a similarity threshold, pool
// records above it become pseudo-members, and an MLP on the concatenated image and caption embeddings learns to
// tell the two apart; its member probability is the score.
import { z } from 'zod';
import { MiaError } from '../../../common/errors';
import { trainBinaryMlp } from '../../learn/binary-mlp';
import type { AttackModule, AttackResult } from '../attack-module';
import type { RunRecord } from '../run-record';
import { pairedSimilarities } from './clip-scores';
import { captionsOf, type ClipModels, type ClipTarget, type Embeddings } from './clip-target';
import {
  balanceSides,
  concatenatedFeatures,
  lambdaSweepValues,
  pseudoLabelErrorRate,
  pseudoMemberIndices,
  wsaRoles,
  wsaThreshold,
} from './wsa-math';

const WsaParams = z.strictObject({
  lambda: z
    .number()
    .min(-10)
    .max(10)
    .default(1)
    .describe('Threshold τ = μ + λσ over the cs of the guaranteed non-members; pool records at or above τ are pseudo-members.'),
  lambdaSweep: z
    .boolean()
    .default(false)
    .describe(
      'Also report, for each λ in {−0.5, 0, 0.5, 1, 1.5, 2, 2.5}, the pseudo-member count and pseudo-label error rate. Scores still use λ; start one run per λ for full metrics at each.',
    ),
  hiddenLayers: z
    .array(z.number().int().min(1).max(2048))
    .min(1)
    .max(4)
    .default([256, 128])
    .describe('Hidden layer widths of the MLP attack model.'),
  learningRate: z.number().positive().max(1).default(1e-3).describe('Adam learning rate of the attack model.'),
  batchSize: z.number().int().min(1).max(4096).default(32).describe('Mini-batch size of the attack model.'),
  maxEpochs: z.number().int().min(1).max(500).default(15).describe('Most training epochs of the attack model.'),
  validationFraction: z.number().min(0).max(0.5).default(0.1).describe('Fraction of the training rows held out for early stopping.'),
  patience: z.number().int().min(1).max(100).default(3).describe('Epochs without a better validation loss before training stops.'),
  minPseudoMembers: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Fewest pseudo-members the attack model is trained on; with fewer the run stops and asks for a lower λ.'),
});
type WsaParams = z.output<typeof WsaParams>;

interface Side {
  readonly records: readonly RunRecord[];
  readonly images: Embeddings;
  readonly texts: Embeddings;
  readonly similarities: Float64Array;
}

async function embedSide(target: ClipTarget, records: readonly RunRecord[], what: string): Promise<Side> {
  captionsOf(records, 'wsa');
  const images = await target.imageEmbeddings(records, { phase: `${what} image embeddings` });
  const texts = await target.textEmbeddings(records, { phase: `${what} text embeddings` });
  return { records, images, texts, similarities: pairedSimilarities(images, texts) };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** Per swept λ: how many pool records become pseudo-members and how many of them are wrong. */
function sweepReport(nonMembers: Side, pool: Side): { notes: string[]; extraMetrics: NonNullable<AttackResult['extraMetrics']>[number][] } {
  const notes: string[] = [];
  const extraMetrics: NonNullable<AttackResult['extraMetrics']>[number][] = [];
  const parts: string[] = [];
  for (const lambda of lambdaSweepValues) {
    const threshold = wsaThreshold(nonMembers.similarities, lambda);
    const picked = pseudoMemberIndices(pool.similarities, threshold.tau);
    const error = pseudoLabelErrorRate(Array.from(picked, (i) => pool.records[i]!.member));
    const label = `lambda=${formatNumber(lambda)}`;
    extraMetrics.push({ name: `pseudo_members@${label}`, value: picked.length, note: `τ = ${threshold.tau.toFixed(4)}` });
    extraMetrics.push({
      name: `pseudo_label_error_rate@${label}`,
      value: error.rate,
      note: error.rate === null ? 'no pseudo-member has known membership' : `over ${error.known} pseudo-members with known membership`,
    });
    parts.push(
      `λ ${lambda}: τ ${threshold.tau.toFixed(4)}, ${picked.length} pseudo-members${error.rate === null ? '' : `, error ${(100 * error.rate).toFixed(1)} %`}`,
    );
  }
  notes.push(`λ sweep (pseudo-labels only; scores use the configured λ, one run per λ gives full metrics): ${parts.join('; ')}.`);
  return { notes, extraMetrics };
}

export const wsaAttack: AttackModule<typeof WsaParams, ClipTarget, ClipModels> = {
  id: 'wsa',
  family: 'clip',
  title: 'Weakly supervised attack, WSA (Ko et al. 2023)',
  description:
    'Black-box access to the image and text embeddings of a CLIP-style model, a set of guaranteed non-members (role "nonmember-reference", e.g. data published after the model) and an unlabelled pool that mixes members and non-members (role "pool"). Pool records whose image–caption similarity exceeds μ + λσ of the non-members become pseudo-members; an MLP on the concatenated image and caption embeddings learns to separate them from the non-members, and its member probability is the score.',
  params: WsaParams,
  needs: { roles: ['nonmember-reference', 'pool'] },
  estimateModelCalls: (_params, counts) => ({ model: 2 * counts.audited }),
  async run(ctx) {
    const { records, target, params } = ctx;
    const roles = wsaRoles(ctx.dataset, records);
    const nonMembers = await embedSide(target, roles.nonMembers, 'non-member');
    const pool = await embedSide(target, roles.pool, 'pool');
    const threshold = wsaThreshold(nonMembers.similarities, params.lambda);
    const picked = pseudoMemberIndices(pool.similarities, threshold.tau);
    if (picked.length < params.minPseudoMembers) {
      throw new MiaError(
        'wsa.too-few-pseudo-members',
        `Only ${picked.length} of ${pool.records.length} pool records reach the threshold τ = ${threshold.tau.toFixed(4)} (μ ${threshold.mean.toFixed(4)} + λ ${params.lambda} × σ ${threshold.std.toFixed(4)}); WSA needs at least ${params.minPseudoMembers}. Lower λ.`,
        {
          pseudoMembers: picked.length,
          tau: threshold.tau,
        },
      );
    }
    ctx.signal.throwIfAborted();
    const balanced = balanceSides(picked.length, nonMembers.records.length, ctx.random.fork('balance'));
    const memberRows = Array.from(balanced.members, (i) => picked[i]!);
    const training = concatRows(
      concatenatedFeatures(pool.images, pool.texts, memberRows),
      concatenatedFeatures(nonMembers.images, nonMembers.texts, balanced.nonMembers),
    );
    const labels = new Uint8Array(memberRows.length + balanced.nonMembers.length);
    labels.fill(1, 0, memberRows.length);
    ctx.progress('attack model', 0, 1, 'models');
    const model = trainBinaryMlp(
      { features: training, labels, featureCount: 2 * pool.images.dimension },
      trainingOptions(params),
      ctx.random.fork('attack-model'),
    );
    ctx.progress('attack model', 1, 1, 'models');
    const reported = await embedSide(target, records, 'audited');
    const scores = model.predict(
      concatenatedFeatures(
        reported.images,
        reported.texts,
        Int32Array.from(records, (_, i) => i),
      ),
    );

    const notes = [
      `WSA: τ = μ + λσ = ${threshold.mean.toFixed(4)} + ${params.lambda} × ${threshold.std.toFixed(4)} = ${threshold.tau.toFixed(4)} over ${nonMembers.records.length} guaranteed non-members; ${picked.length} of ${pool.records.length} pool records are pseudo-members.`,
      `Attack model: MLP (${params.hiddenLayers.join(', ')} hidden units) on ${2 * pool.images.dimension} features, trained on ${memberRows.length} pseudo-members and ${balanced.nonMembers.length} non-members (the larger side subsampled with the run's seed) for ${model.epochsRun} epochs${model.bestValidationLoss === null ? '' : `, best validation loss ${model.bestValidationLoss.toFixed(4)}`}.`,
    ];
    const extraMetrics: NonNullable<AttackResult['extraMetrics']>[number][] = [
      { name: 'pseudo_members', value: picked.length, note: `τ = ${threshold.tau.toFixed(4)} at λ = ${params.lambda}` },
    ];
    const error = pseudoLabelErrorRate(Array.from(picked, (i) => pool.records[i]!.member));
    if (error.rate !== null) {
      extraMetrics.push({
        name: 'pseudo_label_error_rate',
        value: error.rate,
        note: `non-members among ${error.known} pseudo-members with known membership`,
      });
      notes.push(
        `Pseudo-label error rate: ${(100 * error.rate).toFixed(1)} % of ${error.known} pseudo-members with known membership are non-members.`,
      );
    } else {
      notes.push('The pool has no ground truth, so the pseudo-label error rate is unknown.');
    }
    if (params.lambdaSweep) {
      const sweep = sweepReport(nonMembers, pool);
      notes.push(...sweep.notes);
      extraMetrics.push(...sweep.extraMetrics);
    }
    return { recordIds: Int32Array.from(records, (r) => r.id), scores, modelCalls: target.modelCalls, notes, extraMetrics };
  },
};

function trainingOptions(params: WsaParams) {
  return {
    hidden: params.hiddenLayers,
    learningRate: params.learningRate,
    batchSize: params.batchSize,
    maxEpochs: params.maxEpochs,
    validationFraction: params.validationFraction,
    patience: params.patience,
    weightDecay: 0,
  };
}

function concatRows(first: Float64Array, second: Float64Array): Float64Array {
  const out = new Float64Array(first.length + second.length);
  out.set(first);
  out.set(second, first.length);
  return out;
}
