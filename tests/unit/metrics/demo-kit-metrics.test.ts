// Cross-check on real attack scores: the classifier demo kit stores per-record scores of several attacks
// with scikit-learn's AUC and TPR@FPR for them (resources/demo/classifier/goldens/scores.json); the
// workbench's metrics must give the same figures from the same scores.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auc, rocCurve } from '../../../src-main/engine/metrics/roc';
import { tprAtFpr } from '../../../src-main/engine/metrics/threshold-metrics';

const scoresFile = resolve(__dirname, '../../../resources/demo/classifier/goldens/scores.json');

interface DemoScores {
  member: number[];
  scores: Record<string, Record<string, number[]>>;
  metrics: Record<string, Record<string, Record<string, number | null>>>;
}

const bounds: [string, number][] = [
  ['tpr_at_0.1%_fpr', 0.001],
  ['tpr_at_1%_fpr', 0.01],
  ['tpr_at_10%_fpr', 0.1],
];

describe('metrics on the classifier demo kit scores agree with scikit-learn', () => {
  // The scores are committed: a missing file fails this file rather than skipping it.
  const golden = JSON.parse(readFileSync(scoresFile, 'utf8')) as DemoScores;
  const cases = Object.entries(golden.scores).flatMap(([model, byAttack]) =>
    Object.keys(byAttack).map((attack) => [model, attack] as const),
  );

  it('has the scores of four attacks on each of the three demo models', () => {
    const attacks = ['loss', 'lira_online', 'lira_offline', 'rmia_offline'];
    expect(cases).toEqual(['target', 'twin', 'null'].flatMap((model) => attacks.map((attack) => [model, attack])));
  });

  for (const [model, attack] of cases) {
    it(`matches AUC and TPR@FPR of ${attack} on ${model}`, () => {
      const labels = Uint8Array.from(golden.member);
      const scores = Float64Array.from(golden.scores[model]![attack]!);
      const expected = golden.metrics[model]![attack]!;
      expect(Math.abs(auc(scores, labels) - expected.auc!)).toBeLessThan(1e-9);
      const roc = rocCurve(scores, labels);
      for (const [key, alpha] of bounds) {
        const value = tprAtFpr(roc, alpha);
        if (expected[key] === null) expect(value).toBeNull();
        else expect(Math.abs(value! - expected[key]!)).toBeLessThan(1e-12);
      }
    });
  }
});
