// Times writing a training job's tensor file for the classifier demo pool two ways: through the engine host (what the
// training service does since preprocessing moved there) and in process (the same 512-record chunks, as it did before), and checks the two
// files are identical. Run (after `npm run build`, which builds the engine host):
//   npx rolldown bench/training-tensors.ts -p node -f esm -e better-sqlite3 -e sharp -e onnxruntime-node -o out/bench/training-tensors.mjs \
//     && node out/bench/training-tensors.mjs [repeats=3]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../src-main/engine/attacks/run-record';
import { createRecordImages } from '../src-main/engine/jobs/record-images';
import { ClassifierConfig } from '../src-main/engine/models/model-config';
import type { PreprocessSpec } from '../src-main/engine/models/preprocess-spec';
import { createEngineClient } from '../src-main/host/engine-client';
import { forkHostSpawner } from '../src-main/host/fork-host';
import { writeTrainingTensors } from '../src-main/services/training/training-data';
import { classifierSpecs, demoRecords } from './lib/demo-kit';
import { loadAverage, spreadOf, timedSeconds } from './lib/measure';

/** The service's former loop: the same 512-record chunks, preprocessed in this process. */
async function writeInProcess(records: readonly RunRecord[], spec: PreprocessSpec, file: string): Promise<void> {
  const images = createRecordImages(0);
  const handle = fs.openSync(file, 'w');
  try {
    for (let start = 0; start < records.length; start += 512) {
      const tensors = await images.tensors(records.slice(start, start + 512), spec);
      fs.writeSync(handle, Buffer.from(tensors.buffer, tensors.byteOffset, tensors.byteLength));
    }
  } finally {
    fs.closeSync(handle);
  }
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 3);
  const records = demoRecords('classifier', ['aux']); // a shadow job's pool;
  const spec = ClassifierConfig.parse((await classifierSpecs()).target.config).preprocess;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-'));
  const engine = createEngineClient(forkHostSpawner(path.resolve('out/main/engine-host.js')));
  try {
    await engine.run({ kind: 'ping', echo: 'warm' }).done; // the host's start is not part of the work
    const viaHost: number[] = [];
    const inProcess: number[] = [];
    for (let r = 0; r < repeats; r++) {
      viaHost.push(
        (await timedSeconds(() => writeTrainingTensors(engine, records, spec, path.join(dir, 'host.f32'), new AbortController().signal)))
          .seconds,
      );
      inProcess.push((await timedSeconds(() => writeInProcess(records, spec, path.join(dir, 'local.f32')))).seconds);
    }
    const same = fs.readFileSync(path.join(dir, 'host.f32')).equals(fs.readFileSync(path.join(dir, 'local.f32')));
    const line = (name: string, seconds: number[]) => {
      const s = spreadOf(seconds);
      return `${name}: median ${s.median.toFixed(3)} s (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)})`;
    };
    console.log(`${records.length} records, ${repeats} repeats, load ${loadAverage()}`);
    console.log(line('engine host', viaHost));
    console.log(line('in process ', inProcess));
    console.log(`files identical: ${same}`);
  } finally {
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
