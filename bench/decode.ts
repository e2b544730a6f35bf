// Times decoding + preprocessing of the demo records through the run's record-image cache (PNG read, SHA-256 check,
// sharp decode, normalisation), the I/O part of every workload, alone. Run:
//   npx rolldown bench/decode.ts -p node -f esm -e better-sqlite3 -e sharp -e onnxruntime-node -o out/bench/decode.mjs \
//     && node out/bench/decode.mjs [family=classifier] [repeats=5]
import { ClassifierConfig } from '../src-main/engine/models/model-config';
import { createRecordImages } from '../src-main/engine/jobs/record-images';
import { classifierSpecs, demoRecords } from './lib/demo-kit';
import { loadAverage, spreadOf, timedSeconds } from './lib/measure';

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 5);
  const records = demoRecords('classifier', ['audit', 'calibration']);
  const spec = ClassifierConfig.parse((await classifierSpecs()).target.config).preprocess;
  const seconds: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let r = 0; r < repeats; r++) seconds.push((await timedSeconds(() => createRecordImages().tensors(records, spec))).seconds);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerRecord = (cpu.user + cpu.system) / 1000 / (repeats * records.length);
  const s = spreadOf(seconds);
  console.log(
    `${records.length} classifier PNGs decoded + preprocessed: median ${(records.length / s.median).toFixed(0)} records/s (${(records.length / s.max).toFixed(0)}–${(records.length / s.min).toFixed(0)}), ` +
      `${cpuMsPerRecord.toFixed(2)} ms CPU per record (all threads); load ${loadAverage()}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
