// Times the metrics at the size of a large audit: 50,000 scores, 1,000 stratified bootstrap resamples (the default).
// Reports CPU time as well as wall time because the build machines are shared. Run:
//   npx rolldown bench/metrics-bootstrap.ts --file out/bench/metrics-bootstrap.mjs --platform node && node out/bench/metrics-bootstrap.mjs
import { bootstrapIntervals } from '../src-main/engine/metrics/bootstrap';
import { rankScores } from '../src-main/engine/metrics/ranked-scores';
import { aucFromRanked, rocFromRanked } from '../src-main/engine/metrics/roc';
import { computeRunMetrics } from '../src-main/engine/metrics/run-metrics';
import { SeededRandom } from '../src-main/engine/random/seeded-random';

function syntheticScores(count: number, seed: number): { scores: Float64Array; labels: Uint8Array } {
  const random = new SeededRandom(seed);
  const scores = new Float64Array(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    scores[i] = random.normal() + 0.3 * labels[i]!;
  }
  return { scores, labels };
}

function timed(label: string, work: () => unknown): void {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  work();
  const cpu = process.cpuUsage(cpuBefore);
  console.log(`${label}: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${(performance.now() - wallBefore).toFixed(0)} ms wall`);
}

const count = Number(process.argv[2] ?? 50_000);
const resamples = Number(process.argv[3] ?? 1000);
const { scores, labels } = syntheticScores(count, 1);
const classOfRecord = Int32Array.from(labels, (_, i) => i % 10);
console.log(`${count} scores (half members), ${resamples} resamples`);
for (let repeat = 0; repeat < 2; repeat++) {
  timed('rank + ROC + AUC', () => aucFromRanked(rankScores(scores, labels)) + rocFromRanked(rankScores(scores, labels)).fpr.length);
  timed('stratified bootstrap (AUC, 3 × TPR@FPR, balanced accuracy, advantage)', () =>
    bootstrapIntervals(rankScores(scores, labels), { random: new SeededRandom(7), resamples, fprBounds: [0.001, 0.01, 0.1] }),
  );
  timed('computeRunMetrics (all of the above + per-class AUC for 10 classes)', () =>
    computeRunMetrics({ scores, labels, random: new SeededRandom(7), classOfRecord, bootstrapResamples: resamples }),
  );
}
