import { describe, expect, it } from 'vitest';
import { metricScores } from '../../../src-main/engine/attacks/classifier/metric-scores';
import { liraScores, liraStatistic } from '../../../src-main/engine/attacks/classifier/lira-math';
import { erfc, logStandardNormalCdf } from '../../../src-main/engine/metrics/normal-distribution';
import { offlineAGrid, rmiaScores, tuneOfflineA } from '../../../src-main/engine/attacks/classifier/rmia-math';
import { trainBinaryMlp } from '../../../src-main/engine/learn/binary-mlp';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';

const outputs = (rows: number[][], logits: number[][] | null = null) => ({
  classes: rows[0]!.length,
  probabilities: Float32Array.from(rows.flat()),
  logits: logits ? Float32Array.from(logits.flat()) : null,
});

describe('metric attack statistics', () => {
  const probs = outputs([
    [0.7, 0.2, 0.1],
    [0.1, 0.1, 0.8],
  ]);
  const labels = [0, 1];

  it('loss is log p_y', () => {
    const s = metricScores('loss', probs, labels);
    expect(s[0]).toBeCloseTo(Math.log(0.7), 6);
    expect(s[1]).toBeCloseTo(Math.log(0.1), 6);
  });

  it('confidence is p_y', () => {
    expect(Array.from(metricScores('confidence', probs, labels))).toEqual([Math.fround(0.7), Math.fround(0.1)]);
  });

  it('entropy is minus the entropy of the prediction', () => {
    const expected = 0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1);
    expect(metricScores('entropy', probs, labels)[0]).toBeCloseTo(expected, 6);
  });

  it('modified entropy penalises a confident wrong prediction more than a confident right one', () => {
    const right = -(-(1 - 0.7) * Math.log(0.7) - 0.2 * Math.log(0.8) - 0.1 * Math.log(0.9));
    const s = metricScores('modified-entropy', probs, labels);
    expect(s[0]).toBeCloseTo(right, 6);
    expect(s[1]).toBeLessThan(s[0]!);
  });

  it('clamps probabilities so a zero never gives -Infinity', () => {
    const s = metricScores('loss', outputs([[1, 0]]), [1]);
    expect(s[0]).toBeCloseTo(Math.log(1e-12), 6);
  });
});

describe('LiRA', () => {
  it('computes φ from logits as z_y minus logsumexp of the others, and from probabilities as the log-odds', () => {
    const logits = [[2, 0, -1]];
    const fromLogits = liraStatistic(outputs([[0.8, 0.15, 0.05]], logits), [0]);
    expect(fromLogits[0]).toBeCloseTo(2 - Math.log(Math.exp(0) + Math.exp(-1)), 6);
    const fromProbs = liraStatistic(outputs([[0.8, 0.15, 0.05]]), [0]);
    expect(fromProbs[0]).toBeCloseTo(Math.log(0.8 / 0.2), 6);
  });

  it('scores the online test as a log likelihood ratio of two Gaussians', () => {
    const references = [Float64Array.of(1, 0), Float64Array.of(3, 0), Float64Array.of(-1, 0), Float64Array.of(1, 0)];
    const inModel = [Uint8Array.of(1, 1), Uint8Array.of(1, 1), Uint8Array.of(0, 0), Uint8Array.of(0, 0)];
    const { scores } = liraScores({ target: Float64Array.of(2, 0), references, inModel }, { variant: 'online', fixedVariance: false });
    // Record 0: IN φ = {1, 3} → μ 2, σ 1; OUT φ = {−1, 1} → μ 0, σ 1.
    const logN = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
    expect(scores[0]).toBeCloseTo(logN(2, 2, 1) - logN(2, 0, 1), 10);
  });

  it('scores the offline test as log Φ((φ − μ_out) / σ_out)', () => {
    const references = [Float64Array.of(-1), Float64Array.of(1)];
    const inModel = [Uint8Array.of(0), Uint8Array.of(0)];
    const { scores } = liraScores({ target: Float64Array.of(1), references, inModel }, { variant: 'offline', fixedVariance: false });
    expect(scores[0]).toBeCloseTo(Math.log(0.8413447460685429), 10);
  });

  it('computes log Φ accurately in both tails', () => {
    expect(logStandardNormalCdf(0)).toBeCloseTo(Math.log(0.5), 14);
    expect(logStandardNormalCdf(-3)).toBeCloseTo(Math.log(0.0013498980316300933), 12);
    expect(logStandardNormalCdf(-10)).toBeCloseTo(-53.23128515051247, 6);
    expect(logStandardNormalCdf(10)).toBeLessThan(0);
    expect(logStandardNormalCdf(10)).toBeGreaterThan(-1e-20);
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 14);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 17);
  });
});

describe('RMIA', () => {
  it('scores the fraction of population records whose likelihood ratio the record beats', () => {
    const outcome = rmiaScores(
      {
        targetRecords: Float64Array.of(0.9, 0.2),
        targetPopulation: Float64Array.of(0.5, 0.3, 0.1),
        referenceRecords: [Float64Array.of(0.5, 0.5)],
        referencePopulation: [Float64Array.of(0.5, 0.5, 0.5)],
        inRecords: [Uint8Array.of(0, 0)],
        inPopulation: [Uint8Array.of(0, 0, 0)],
      },
      { a: 1, gamma: 1 },
    );
    // With a = 1, Pr(x) = Pr_OUT(x) = 0.5 for everyone: the ratio ranks by p_y under the target.
    expect(Array.from(outcome.scores)).toEqual([1, 1 / 3]);
  });

  it('averages only OUT reference models in Pr(x)', () => {
    const outcome = rmiaScores(
      {
        targetRecords: Float64Array.of(0.6),
        targetPopulation: Float64Array.of(0.6),
        referenceRecords: [Float64Array.of(0.9), Float64Array.of(0.3)],
        referencePopulation: [Float64Array.of(0.3), Float64Array.of(0.3)],
        inRecords: [Uint8Array.of(1), Uint8Array.of(0)],
        inPopulation: [Uint8Array.of(0), Uint8Array.of(0)],
      },
      { a: 1, gamma: 1 },
    );
    // The record's Pr_OUT is 0.3 (the IN model's 0.9 is ignored), the same as the population record's: LR = 1 ≥ γ.
    expect(outcome.scores[0]).toBe(1);
  });
});

describe('RMIA a tuning', () => {
  // Four reference models in complementary pairs over 40 records; a model gives a record its difficulty b(x) when
  // it did not train on it and b(x) + 0.1 when it did. Population records: difficulty only.
  const records = 40;
  const difficulty = Float64Array.from({ length: records }, (_, i) => 0.1 + (0.7 * ((i * 7) % records)) / records);
  const populationDifficulty = Float64Array.from({ length: 30 }, (_, i) => 0.1 + (0.7 * i) / 30);
  const halves = [
    Uint8Array.from({ length: records }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    Uint8Array.from({ length: records }, (_, i) => (i % 4 < 2 ? 1 : 0)),
  ];
  const inRecords = [halves[0]!, halves[0]!.map((v) => 1 - v), halves[1]!, halves[1]!.map((v) => 1 - v)];
  const references = {
    referenceRecords: inRecords.map((inside) => difficulty.map((b, i) => b + 0.1 * inside[i]!)),
    referencePopulation: inRecords.map(() => populationDifficulty.slice()),
    inRecords,
    inPopulation: inRecords.map(() => new Uint8Array(populationDifficulty.length)),
  };

  it('picks the a under which the references, attacking each other, separate IN from OUT best', () => {
    const tuned = tuneOfflineA(references, 1.05)!;
    expect(tuned.pseudoTargets).toBe(4);
    expect(tuned.meanAuc).toHaveLength(offlineAGrid.length);
    // a = 1 divides out each record's difficulty exactly, so IN and OUT separate perfectly; a = 0 does not.
    expect(tuned.meanAuc[offlineAGrid.length - 1]).toBe(1);
    expect(tuned.meanAuc[0]!).toBeLessThan(0.9);
    expect(tuned.meanAuc[offlineAGrid.indexOf(tuned.a)]).toBe(Math.max(...tuned.meanAuc));
    expect(tuned.a).toBeGreaterThan(0.5);
  });

  it('needs two reference models, one of them with both IN and OUT records', () => {
    expect(
      tuneOfflineA(
        {
          referenceRecords: [references.referenceRecords[0]!],
          referencePopulation: [references.referencePopulation[0]!],
          inRecords: [inRecords[0]!],
          inPopulation: [references.inPopulation[0]!],
        },
        1,
      ),
    ).toBeNull();
    const allIn = inRecords.map(() => new Uint8Array(records).fill(1));
    expect(tuneOfflineA({ ...references, inRecords: allIn }, 1)).toBeNull();
  });
});

describe('binary MLP', () => {
  const blobs = (random: SeededRandom, n: number) => {
    const features = new Float64Array(n * 2);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      features[i * 2] = random.normal() + (labels[i] ? 2 : -2);
      features[i * 2 + 1] = random.normal();
    }
    return { features, labels, featureCount: 2 };
  };
  const options = { hidden: [8], learningRate: 1e-2, batchSize: 16, maxEpochs: 30, validationFraction: 0.1, patience: 3, weightDecay: 0 };

  it('learns two separated blobs', () => {
    const data = blobs(new SeededRandom(1), 200);
    const model = trainBinaryMlp(data, options, new SeededRandom(2));
    const p = model.predict(Float64Array.of(3, 0, -3, 0));
    expect(p[0]).toBeGreaterThan(0.9);
    expect(p[1]).toBeLessThan(0.1);
  });

  it('trains bit-for-bit the same with the same seed, and differently with another', () => {
    const data = blobs(new SeededRandom(1), 100);
    const probe = Float64Array.of(0.3, -0.2);
    const a = trainBinaryMlp(data, options, new SeededRandom(7)).predict(probe)[0];
    const b = trainBinaryMlp(data, options, new SeededRandom(7)).predict(probe)[0];
    const c = trainBinaryMlp(data, options, new SeededRandom(8)).predict(probe)[0];
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
