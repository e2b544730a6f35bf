// Golden test against scikit-learn (resources/demo/metrics-goldens.json, written by
// tools/demo-kit/metrics_goldens.py): roc_auc_score, roc_curve(drop_intermediate=False), TPR at FPR bounds,
// balanced accuracy and advantage for several score vectors, heavy ties included.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auc, rocCurve } from '../../../src-main/engine/metrics/roc';
import { advantage, balancedAccuracy, tprAtFpr } from '../../../src-main/engine/metrics/threshold-metrics';

const goldensFile = resolve(__dirname, '../../../resources/demo/metrics-goldens.json');

const GoldenCase = z.object({
  name: z.string(),
  scores: z.array(z.number()),
  labels: z.array(z.number().int()),
  auc: z.number(),
  roc_curve: z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()), thresholds: z.array(z.number()) }),
  tpr_at_fpr: z.record(z.string(), z.number().nullable()),
  balanced_accuracy: z.number(),
  advantage: z.number(),
});
const Goldens = z.object({ cases: z.array(GoldenCase).min(1) });

describe('metrics agree with scikit-learn (resources/demo/metrics-goldens.json)', () => {
  // The goldens are committed: a missing or unreadable file fails the whole file here rather than skipping it.
  const goldens = Goldens.parse(JSON.parse(readFileSync(goldensFile, 'utf8')));

  for (const golden of goldens.cases) {
    it(`matches roc_auc_score, roc_curve and the threshold metrics for "${golden.name}" to 1e-9`, () => {
      const scores = Float64Array.from(golden.scores);
      const labels = Uint8Array.from(golden.labels);
      expect(Math.abs(auc(scores, labels) - golden.auc)).toBeLessThan(1e-9);
      const roc = rocCurve(scores, labels);
      const expected = golden.roc_curve;
      expect(roc.fpr.length).toBe(expected.fpr.length);
      for (let i = 0; i < expected.fpr.length; i++) {
        expect(Math.abs(roc.fpr[i]! - expected.fpr[i]!), `fpr[${i}]`).toBeLessThan(1e-9);
        expect(Math.abs(roc.tpr[i]! - expected.tpr[i]!), `tpr[${i}]`).toBeLessThan(1e-9);
      }
      // scikit-learn 1.2 puts max(score) + 1 first, newer versions +inf; the workbench uses +inf.
      expect(roc.thresholds[0]).toBe(Infinity);
      // Compared with ===: a tied group of −0 and +0 is one threshold, whichever sign either side prints.
      for (let i = 1; i < expected.thresholds.length; i++)
        expect(roc.thresholds[i] === expected.thresholds[i], `threshold ${i}`).toBe(true);
      for (const [bound, value] of Object.entries(golden.tpr_at_fpr)) {
        const ours = tprAtFpr(roc, Number(bound));
        if (value === null) expect(ours, `tpr@${bound}`).toBeNull();
        else expect(Math.abs(ours! - value), `tpr@${bound}`).toBeLessThan(1e-9);
      }
      expect(Math.abs(balancedAccuracy(roc) - golden.balanced_accuracy)).toBeLessThan(1e-9);
      expect(Math.abs(advantage(roc) - golden.advantage)).toBeLessThan(1e-9);
    });
  }
});
