// Times the blind-baseline check (5-fold logistic regression + 1,000-resample AUC interval) at audit sizes:
// 7×7×3 pixel cells + colour statistics + caption statistics ≈ 164 features. Run:
//   npx rolldown bench/metrics-blind-baseline.ts --file out/bench/metrics-blind-baseline.mjs --platform node && node out/bench/metrics-blind-baseline.mjs [rows]
import { checkBlindBaseline } from '../src-main/engine/checks/blind-baseline/blind-baseline-check';
import { SeededRandom } from '../src-main/engine/random/seeded-random';

const rowCount = Number(process.argv[2] ?? 5000);
const featureCount = 3 * 49 + 6 + 11;
const random = new SeededRandom(1);
const labels = Uint8Array.from({ length: rowCount }, (_, i) => i % 2);
const data = new Float32Array(rowCount * featureCount);
for (let r = 0; r < rowCount; r++)
  for (let j = 0; j < featureCount; j++) data[r * featureCount + j] = random.normal() + (j < 5 ? 0.1 * labels[r]! : 0);

const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const check = checkBlindBaseline({
  features: { data, rowCount, featureCount },
  labels,
  random: new SeededRandom(2),
  featureDescription: 'synthetic features',
});
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `${rowCount} records × ${featureCount} features: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${(performance.now() - wallBefore).toFixed(0)} ms wall`,
);
console.log(check.status, check.value, (check.details as { iterations: number[] }).iterations);
