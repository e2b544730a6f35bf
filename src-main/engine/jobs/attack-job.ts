// One attack run inside the engine host: open the models, score the audited and calibration records, then compute
// the metrics and the validity checks. The result, scores included, goes back to the service once, which stores it
// in one transaction.
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import type { AttackModule, AttackResult } from '../attacks/attack-module';
import { findRunAttack, scoredRolesOf } from '../attacks/run-attack';
import { estimateRunModelCalls } from '../attacks/run-model-calls';
import { checkTargetAccess } from '../attacks/target-access';
import type { RunRecord } from '../attacks/run-record';
import { blindBaselineSample } from '../checks/blind-baseline/baseline-sample';
import { checkBlindBaseline } from '../checks/blind-baseline/blind-baseline-check';
import { captionFeatures } from '../checks/blind-baseline/caption-features';
import { concatFeatures, stackFeatureRows } from '../checks/blind-baseline/feature-matrix';
import { imageFeatures } from '../checks/blind-baseline/image-features';
import { checkNullModel } from '../checks/null-model-check';
import { checkRunPolarity } from '../checks/polarity-check';
import type { ValidityCheck } from '../checks/validity-check';
import { totalModelCalls } from '../../../src-shared/domain/model-calls';
import { aucWithInterval } from '../metrics/auc-with-interval';
import { selectExecutionProvider } from '../models/execution-provider';
import { computeRunMetrics, findMetric, type OperatingPointRequest } from '../metrics/run-metrics';
import { targetStructureOf } from '../models/target-structure';
import { SeededRandom } from '../random/seeded-random';
import type { AttackJobResult } from './attack-job-result';
import type { AttackTask } from './attack-task';
import { createCallProgress } from './call-progress';
import { openFamilyRuntime } from './family-runtime';
import type { JobContext } from './job-context';
import { createModelComponents } from './model-components';
import { createRecordImages, type RecordImages } from './record-images';

/**
 * Threads each ONNX session may use ($MIA_ENGINE_THREADS, default 1). On the busy 2-core machines here one thread
 * ran ReDiffuse on the demo UNet about twice as fast as two, and it leaves a core for decoding and the UI.
 */
const sessionThreads = Math.max(1, Math.min(64, Number(process.env.MIA_ENGINE_THREADS) || 1));

export async function runAttackJob(task: AttackTask, ctx: JobContext): Promise<AttackJobResult> {
  const started = performance.now();
  // Before any run work: an unavailable provider refuses the run (or, when allowed, the run says it used the CPU).
  const selected = await selectExecutionProvider(task.executionProvider ?? { provider: 'cpu', fallbackToCpu: false });
  const attack = findRunAttack(task.attack, task.params);
  const params = parseWith(attack.params, task.params, `Parameters of ${attack.id}`, 'run.invalid-params');
  checkTargetAccess(attack, task.target);
  const random = new SeededRandom(task.seed);
  const audit = task.records.filter((r) => r.role === 'audit');
  const calibration = task.records.filter((r) => r.role === 'calibration');
  // In role order: audited then calibration records, or a set-level test's suspects then references.
  const scored = scoredRolesOf(attack).flatMap((role) => task.records.filter((r) => r.role === role));
  // The progress total is the estimate shown before Start, every component of the target and the null model counted.
  const estimate = estimateRunModelCalls(
    attack,
    params,
    { audited: scored.length, references: task.references.length, shadows: task.shadows.length, roleCounts: roleCountsOf(task.records) },
    targetStructureOf(task.target),
    task.nullModel ? targetStructureOf(task.nullModel) : null,
  );
  const progress = createCallProgress(totalModelCalls(estimate), ctx.progress, scored.length);
  // A run that calls its models once per record (loss on the target alone) reads each tensor once: caching them
  // would only hold up to the cache's budget of memory for nothing, which a million-record run cannot spare.
  const images = totalModelCalls(estimate) <= scored.length ? createRecordImages(0) : createRecordImages();
  const components = createModelComponents(task, {
    threads: sessionThreads,
    signal: ctx.signal,
    executionProvider: selected.provider,
  });
  const runtime = await openFamilyRuntime(task, attack.family, {
    images,
    progress,
    signal: ctx.signal,
    threads: sessionThreads,
    components,
  });
  try {
    const runOnce = (target: unknown, label: string): Promise<AttackResult> =>
      attack.run({ ...ctx, params, random: random.fork(label), target, records: scored, dataset: task.records, models: runtime.models });

    const attackStarted = performance.now();
    const result = await runOnce(runtime.target, 'attack');
    checkResult(result, scored, attack);
    const attackMs = performance.now() - attackStarted;
    const extra = (result.extraMetrics ?? []).map((m) => ({
      name: m.name,
      slice: m.slice ?? '',
      value: m.value,
      ciLow: null,
      ciHigh: null,
      note: m.note ?? null,
    }));
    const finished = (metrics: AttackJobResult['metrics'], checks: ValidityCheck[], notes: string[], timings: Record<string, number>) =>
      ({
        kind: 'attack',
        recordIds: Int32Array.from(result.recordIds),
        scores: Float64Array.from(result.scores),
        modelCalls: result.modelCalls,
        notes: [...result.notes, ...notes, ...components.notes(), ...(selected.note ? [selected.note] : [])],
        metrics,
        checks,
        timings: { totalMs: performance.now() - started, attackMs, ...timings },
        executionProvider: selected.provider,
      }) satisfies AttackJobResult;
    // A set-level test has no audited records to evaluate: its own figures are the run's metrics.
    if (attack.setLevel) return finished(extra, [], [], {});

    const metricsStarted = performance.now();
    const evaluation = evaluated(result, audit);
    const operatingPoint = operatingPointFor(result, calibration);
    const metrics = computeRunMetrics({
      scores: evaluation.scores,
      labels: evaluation.labels,
      random: random.fork('metrics'),
      classOfRecord: attack.family === 'classifier' ? evaluation.classes : null,
      operatingPoint,
      ...(task.epsilonDelta !== undefined ? { epsilonDelta: task.epsilonDelta } : {}),
    });
    const metricsMs = performance.now() - metricsStarted;

    const checksStarted = performance.now();
    const checks: ValidityCheck[] = [checkRunPolarity(metrics)];
    const targetAuc = findMetric(metrics, 'auc')?.value ?? null;
    let nullCalls = 0;
    if (runtime.nullTarget && task.nullModel) {
      const nullResult = await runOnce(runtime.nullTarget, 'attack');
      nullCalls = nullResult.modelCalls;
      const nullEvaluation = evaluated(nullResult, audit);
      const estimateOnNull = aucWithInterval(nullEvaluation.scores, nullEvaluation.labels, random.fork('null-model'));
      checks.push(checkNullModel({ nullModel: estimateOnNull, targetAuc, nullModelName: task.nullModel.name }));
    } else {
      checks.push(checkNullModel({ nullModel: null, targetAuc }));
    }
    const sample = blindBaselineSample(evaluation.labels, random.fork('blind-baseline-sample'));
    const baselineRecords = sample ? Array.from(sample, (at) => evaluation.records[at]!) : evaluation.records;
    const baselineLabels = sample ? Uint8Array.from(sample, (at) => evaluation.labels[at]!) : evaluation.labels;
    ctx.progress('blind baseline', 0, baselineRecords.length, 'records');
    checks.push(await blindBaseline(baselineRecords, baselineLabels, images, random, targetAuc));
    const checksMs = performance.now() - checksStarted;

    return finished(
      [...metrics.metrics, ...extra],
      checks,
      [
        ...(nullCalls > 0 ? [`The null-model check made ${nullCalls} further model calls.`] : []),
        ...(sample
          ? [`The blind baseline was fitted on a seeded sample of ${sample.length} of the ${evaluation.records.length} audited records.`]
          : []),
      ],
      {
        metricsMs,
        checksMs,
      },
    );
  } finally {
    await runtime.release();
  }
}

/** Records of each role, as the estimate before Start counts them from the dataset (ui-queries-attacks.ts). */
function roleCountsOf(records: readonly RunRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) counts[record.role] = (counts[record.role] ?? 0) + 1;
  return counts;
}

function checkResult(result: AttackResult, scored: readonly RunRecord[], attack: AttackModule): void {
  if (result.recordIds.length !== scored.length || result.scores.length !== scored.length) {
    throw new MiaError(
      'attack.bad-result',
      `The ${attack.id} attack returned ${result.scores.length} scores for ${scored.length} records.`,
    );
  }
  for (let i = 0; i < result.scores.length; i++) {
    if (!Number.isFinite(result.scores[i]!)) {
      throw new MiaError(
        'attack.non-finite-score',
        `The ${attack.id} attack gave record ${result.recordIds[i]} the score ${result.scores[i]}; the model may output NaN or infinite values.`,
      );
    }
  }
}

/** The audited records with ground truth, in the attack's order, with their scores, labels and classes. */
function evaluated(result: AttackResult, audit: readonly RunRecord[]) {
  const byId = new Map<number, number>();
  result.recordIds.forEach((id, i) => byId.set(id, result.scores[i]!));
  const records = audit.filter((r) => r.member !== null);
  if (records.length === 0)
    throw new MiaError('run.no-ground-truth', 'No audited record has a known membership (member 1 or 0), so no metric can be computed.');
  return {
    records,
    scores: Float64Array.from(records, (r) => byId.get(r.id)!),
    labels: Uint8Array.from(records, (r) => r.member!),
    classes: Int32Array.from(records, (r) => r.label ?? -1),
  };
}

function operatingPointFor(result: AttackResult, calibration: readonly RunRecord[]): OperatingPointRequest | null {
  if (result.decisionThreshold)
    return { source: 'fixed', threshold: result.decisionThreshold.threshold, reason: result.decisionThreshold.reason };
  const known = calibration.filter((r) => r.member !== null);
  if (known.length === 0) return null;
  const byId = new Map<number, number>();
  result.recordIds.forEach((id, i) => byId.set(id, result.scores[i]!));
  return {
    source: 'calibration',
    scores: Float64Array.from(known, (r) => byId.get(r.id)!),
    labels: Uint8Array.from(known, (r) => r.member!),
  };
}

async function blindBaseline(
  records: readonly RunRecord[],
  labels: Uint8Array,
  images: RecordImages,
  random: SeededRandom,
  attackAuc: number | null,
): Promise<ValidityCheck> {
  const withCaptions = records.some((r) => r.caption);
  const rows: Float32Array[] = [];
  for (const record of records) {
    const pixels = await images.pixels(record);
    const image = imageFeatures({
      pixels: pixels.data,
      width: pixels.width,
      height: pixels.height,
      channels: pixels.channels,
      layout: 'hwc',
    });
    rows.push(withCaptions ? concatFeatures(image, captionFeatures(record.caption ?? '')) : image);
  }
  return checkBlindBaseline({
    features: stackFeatureRows(rows),
    labels,
    random: random.fork('blind-baseline'),
    featureDescription: withCaptions
      ? 'downsampled pixels, colour statistics and caption statistics'
      : 'downsampled pixels and colour statistics',
    attackAuc,
  });
}
