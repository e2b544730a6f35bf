// The Compare view must stay responsive with 50,000 scores per run: the backend thins the ROC and bins the
// histogram, so what crosses to the renderer is a few hundred numbers whatever the run's size.
import { describe, expect, it } from 'vitest';
import { rocOption } from '../../src-shared/charts/roc-option';
import { paperPalette } from '../../src-shared/charts/chart-option';
import { downsampleRocForDrawing } from '../../src-main/engine/metrics/roc-for-drawing';
import { rocCurve } from '../../src-main/engine/metrics/roc';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import { scoreHistogram } from '../../src-main/services/run-report-curves';

describe('chart data for 50,000 scores', () => {
  it('thins the ROC to at most 200 points and bins every score, in well under a second', () => {
    const random = new SeededRandom(7);
    const n = 50_000;
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const scores = Float64Array.from(labels, (label) => random.normal() + 0.3 * label);
    const started = performance.now();
    const drawn = downsampleRocForDrawing(rocCurve(scores, labels), 200);
    const histogram = scoreHistogram(scores, labels, 40);
    const option = rocOption([{ name: 'big', fpr: drawn.fpr, tpr: drawn.tpr, members: n / 2, nonMembers: n / 2 }], paperPalette);
    const elapsed = performance.now() - started;
    expect(drawn.fpr.length).toBeLessThanOrEqual(200);
    expect(histogram.members.reduce((s, v) => s + v, 0) + histogram.nonMembers.reduce((s, v) => s + v, 0)).toBe(n);
    expect(histogram.tails.below + histogram.tails.above).toBeLessThan(n * 0.02);
    expect((option.series as { data: unknown[] }[])[1]!.data.length).toBeLessThanOrEqual(200);
    expect(elapsed).toBeLessThan(1000);
    console.info(`ROC + histogram + option for ${n} scores: ${elapsed.toFixed(0)} ms`);
  });

  it('keeps a few far outliers from squashing a skewed score distribution into one bar', () => {
    const scores = Float64Array.from({ length: 1000 }, (_, i) => (i < 10 ? -100 - i : -0.1 + (i % 100) / 1000));
    const labels = Uint8Array.from({ length: 1000 }, (_, i) => i % 2);
    const histogram = scoreHistogram(scores, labels, 20);
    expect(histogram.tails).toEqual({ below: 10, above: 0 });
    expect(histogram.edges[0]).toBeGreaterThan(-1);
    const filled = Array.from(histogram.members, (m, i) => m + histogram.nonMembers[i]!).filter((count) => count > 0).length;
    expect(filled).toBeGreaterThan(5); // over the full range (−109 … 0) the bulk would be one bar
  });
});
