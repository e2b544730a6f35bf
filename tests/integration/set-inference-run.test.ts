// Set inference over a real base attack: PIA on the demo diffusion UNet scores the demo's suspect sets through its
// own run(ctx); the member suspect set is detected at p < 0.01, the non-member one is not, and only suspect and
// nonmember-reference records are scored.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SetInferenceParams } from '../../src-main/engine/attacks/set-inference/set-inference-params';
import { runSetInference } from '../../src-main/engine/attacks/set-inference/set-inference-run';
import type { AttackTask } from '../../src-main/engine/jobs/attack-task';
import { createCallProgress } from '../../src-main/engine/jobs/call-progress';
import { openFamilyRuntime, type FamilyRuntime } from '../../src-main/engine/jobs/family-runtime';
import { createRecordImages } from '../../src-main/engine/jobs/record-images';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import { importDataset } from '../../src-main/services/dataset-import';
import { importDiffusion } from '../../src-main/services/model-import';
import { readModelSpec, readRunRecords } from '../../src-main/services/run-inputs';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { diffusionKit } from '../helpers/demo-kit';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
const db = openWorkspace(path.join(dir, 'workspace.sqlite'));
const runtimes: FamilyRuntime[] = [];
let modelId: number | undefined;
const datasets = new Map<string, number>();
afterAll(async () => {
  for (const runtime of runtimes) await runtime.release();
  db.close();
});

const hasKit =
  fs.existsSync(path.join(diffusionKit, 'manifest-suspects-members.csv')) && fs.existsSync(path.join(diffusionKit, 'unet.onnx'));

async function setInferenceOn(manifest: string, params: Record<string, unknown>) {
  const datasetId =
    datasets.get(manifest) ??
    (await importDataset(db, { kind: 'manifest-csv', path: path.join(diffusionKit, manifest), name: manifest })).dataset.id;
  datasets.set(manifest, datasetId);
  modelId ??= (await importDiffusion(db, { kind: 'diffusion', modelPath: path.join(diffusionKit, 'unet.onnx') })).id;
  const records = readRunRecords(db, datasetId);
  const task = { target: readModelSpec(db, modelId, 'target'), nullModel: null, records } as unknown as AttackTask;
  const signal = new AbortController().signal;
  const progress = createCallProgress(1_000_000, () => undefined);
  const runtime = await openFamilyRuntime(task, 'diffusion', { images: createRecordImages(), progress, signal, threads: 1 });
  runtimes.push(runtime);
  const outcome = await runSetInference({
    signal,
    progress: () => undefined,
    log: () => undefined,
    params: SetInferenceParams.parse(params),
    random: new SeededRandom(1),
    target: runtime.target,
    records: [],
    dataset: records,
    models: runtime.models,
  });
  return { outcome, records };
}

describe.skipIf(!hasKit)('set inference over PIA on the demo diffusion model', () => {
  test('detects the member suspect set and not the non-member one', async () => {
    const params = { base: 'pia', powerDraws: 100, powerSizes: [5, 10, 20, 30] };
    const members = await setInferenceOn('manifest-suspects-members.csv', params);
    const nonMembers = await setInferenceOn('manifest-suspects-nonmembers.csv', params);
    expect(members.outcome.result.recordIds).toHaveLength(130);
    expect(new Set(members.outcome.result.recordIds)).toEqual(new Set(members.records.map((r) => r.id)));
    expect(members.outcome.setInference).toMatchObject({ suspects: 30, references: 100 });
    expect(members.outcome.setInference.pValue).toBeLessThan(0.01);
    expect(members.outcome.setInference.commonLanguage).toBeGreaterThan(0.7);
    expect(members.outcome.setInference.power.map((p) => p.size)).toEqual([5, 10, 20, 30]);
    expect(nonMembers.outcome.setInference.pValue).toBeGreaterThanOrEqual(0.01);
  }, 120_000);

  test('a dataset without suspects, or an unknown base, is refused', async () => {
    await expect(setInferenceOn('manifest.csv', { base: 'pia' })).rejects.toMatchObject({ code: 'run.missing-role' });
    expect(SetInferenceParams.safeParse({ base: 'pia', alpha: 2 }).success).toBe(false);
    await expect(setInferenceOn('manifest-suspects-members.csv', { base: 'no-such-attack' })).rejects.toMatchObject({
      code: 'attack.unknown',
    });
    await expect(setInferenceOn('manifest-suspects-members.csv', { base: 'pia', baseParams: { nope: 1 } })).rejects.toMatchObject({
      code: 'run.invalid-params',
    });
  }, 120_000);
});
