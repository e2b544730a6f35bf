// Training preprocessing runs in the engine host (the prepare-training-data task), not in the service process. The
// tensors it sends back, and the file the training service writes from them, must be bit for bit what the engine's
// own preprocessing gives in process: training and scoring see the same pixels. Needs `npm run build`.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordImages } from '../../src-main/engine/jobs/record-images';
import { ClassifierConfig } from '../../src-main/engine/models/model-config';
import { createEngineClient } from '../../src-main/host/engine-client';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { readModelSpec, readRunRecords } from '../../src-main/services/run-inputs';
import { writeTrainingTensors } from '../../src-main/services/training/training-data';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { importClassifierKit } from '../helpers/demo-kit';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
const db = openWorkspace(path.join(dir, 'workspace.sqlite'));
const kit = await importClassifierKit(db);
const records = readRunRecords(db, kit.datasetId);
const spec = ClassifierConfig.parse(readModelSpec(db, kit.targetId, 'target').config).preprocess;
const engine = createEngineClient(forkHostSpawner());
afterAll(() => {
  engine.dispose();
  db.close();
});

describe('prepare-training-data in the engine host', () => {
  it('sends back the same float32 tensors as the engine preprocessing in process', async () => {
    const batch = records.slice(0, 40);
    const { tensors } = await engine.run({ kind: 'prepare-training-data', records: batch, preprocess: spec }).done;
    const expected = await createRecordImages(0).tensors(batch, spec);
    expect(tensors).toBeInstanceOf(Float32Array);
    expect(tensors.length).toBe(40 * spec.channels * spec.height * spec.width);
    expect(
      Buffer.from(tensors.buffer, tensors.byteOffset, tensors.byteLength).equals(
        Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
      ),
    ).toBe(true);
  });

  it('writes the tensor file of a pool larger than one engine job, identical to in-process preprocessing', async () => {
    const pool = records.slice(0, 1100); // three engine jobs of at most 512 records
    const file = path.join(dir, 'tensors.f32');
    await writeTrainingTensors(engine, pool, spec, file, new AbortController().signal);
    const expected = await createRecordImages(0).tensors(pool, spec);
    const written = fs.readFileSync(file);
    expect(written.length).toBe(expected.byteLength);
    expect(written.equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))).toBe(true);
  });

  it('refuses a task whose preprocessing spec does not fit, naming the field, before any work starts', async () => {
    const task = { kind: 'prepare-training-data', records: records.slice(0, 2), preprocess: { ...spec, channels: 2 } } as const;
    // @ts-expect-error channels 2 is not a spec the schema allows: the host must refuse it, not the type checker alone
    await expect(engine.run(task).done).rejects.toMatchObject({
      code: 'engine.bad-task',
      message: expect.stringContaining('task.preprocess.channels'),
    });
  });

  it('stops with training.cancelled when its signal is raised, whether before or during an engine job', async () => {
    const before = new AbortController();
    before.abort();
    await expect(writeTrainingTensors(engine, records, spec, path.join(dir, 'before.f32'), before.signal)).rejects.toMatchObject({
      code: 'training.cancelled',
    });
    const during = new AbortController();
    const writing = writeTrainingTensors(engine, records, spec, path.join(dir, 'during.f32'), during.signal);
    during.abort();
    await expect(writing).rejects.toMatchObject({ code: 'training.cancelled' });
  });
});
