// A model that does not fit the data is never run silently: a classifier taking 28×28 images is refused on the
// 16×16 diffusion images (run.data-mismatch naming both sizes) unless the auditor chooses to resize, and the run
// records that choice; CLIP on records without captions is refused at start; Models → Check reports the same
// mismatches; swapped CLIP encoders get advice instead of a schema dump.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataFitReport, ModelCheckReport, RunSummary } from '../../src-shared/contract/contract';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend } from '../../src-main/services/backend';
import { classifierKit, clipKit, diffusionKit } from '../helpers/demo-kit';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-data-fit-');
let backend: Backend;
let classifierData: number;
let diffusionData: number;
let classifierId: number;
let clipId: number;

async function dispatch<T>(channel: string, request: unknown): Promise<T> {
  const answer = await backend.router.dispatch(channel, request);
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.data as T;
}

async function refusal(channel: string, request: unknown): Promise<{ code: string; message: string }> {
  const answer = await backend.router.dispatch(channel, request);
  if (answer.ok) throw new Error(`${channel} was expected to be refused`);
  return answer.error;
}

const runCount = (): number => (backend.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;

beforeAll(async () => {
  backend = createBackend({ workspaceFile: path.join(dir, 'workspace.sqlite'), spawnHost: forkHostSpawner() });
  const manifest = (kit: string) => ({ kind: 'manifest-csv', path: path.join(kit, 'manifest.csv') });
  classifierData = (await dispatch<{ dataset: { id: number } }>('datasets.import', manifest(classifierKit))).dataset.id;
  diffusionData = (await dispatch<{ dataset: { id: number } }>('datasets.import', manifest(diffusionKit))).dataset.id;
  classifierId = (
    await dispatch<{ id: number }>('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') })
  ).id;
  clipId = (
    await dispatch<{ id: number }>('models.import', {
      kind: 'clip',
      imageModelPath: path.join(clipKit, 'image_encoder.onnx'),
      textModelPath: path.join(clipKit, 'text_encoder.onnx'),
      tokenizerPath: path.join(clipKit, 'tokenizer.json'),
    })
  ).id;
}, 180_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

describe('a dataset that does not fit its target', () => {
  it('refuses the 28×28 classifier on the 16×16 diffusion images, naming both sizes, and starts no run', async () => {
    const before = runCount();
    const error = await refusal('runs.start', { attack: 'loss', targetModelId: classifierId, datasetId: diffusionData, seed: 1 });
    expect(error.code).toBe('run.data-mismatch');
    expect(error.message).toContain('28×28');
    expect(error.message).toContain('16×16');
    expect(error.message).toMatch(/resize/i);
    expect(runCount()).toBe(before);
  });

  it('runs it on resized images when the auditor chooses so, and the run records the choice', async () => {
    const { id } = await dispatch<RunSummary>('runs.start', {
      attack: 'loss',
      targetModelId: classifierId,
      datasetId: diffusionData,
      seed: 1,
      resize: true,
    });
    await backend.idle();
    const summary = await dispatch<RunSummary>('runs.get', { runId: id });
    expect(summary).toMatchObject({ status: 'finished', error: null });
    // Its generated name says so, so it never reads like a run on data that fit.
    expect(summary.name).toContain(' · resized');
    const details = await dispatch<{ config: Record<string, unknown> }>('runs.details', { runId: id });
    expect(details.config).toMatchObject({ resize: true });
  }, 120_000);

  it('records resize: false on a run whose data fits', async () => {
    const { id } = await dispatch<RunSummary>('runs.start', {
      attack: 'loss',
      targetModelId: classifierId,
      datasetId: classifierData,
      seed: 1,
    });
    await backend.idle();
    expect((await dispatch<RunSummary>('runs.get', { runId: id })).name).not.toContain('resized');
    const details = await dispatch<{ config: Record<string, unknown> }>('runs.details', { runId: id });
    expect(details.config).toMatchObject({ resize: false });
  }, 120_000);

  it('refuses CLIP on records without captions at start, even with resize', async () => {
    const error = await refusal('runs.start', { attack: 'csa', targetModelId: clipId, datasetId: classifierData, seed: 1, resize: true });
    expect(error.code).toBe('run.data-mismatch');
    expect(error.message).toMatch(/caption/);
  });

  it('names size, channels-ok and captions in Models → Check', async () => {
    const onDiffusion = await dispatch<ModelCheckReport>('models.check', { modelId: classifierId, datasetId: diffusionData });
    expect(onDiffusion.compatible).toBe(false);
    const size = onDiffusion.findings.find((f) => f.check === 'size')!;
    expect(size).toMatchObject({ status: 'problem', code: 'run.data-mismatch' });
    expect(size.message).toContain('16×16');
    expect(onDiffusion.findings.find((f) => f.check === 'channels')).toMatchObject({ status: 'ok' });

    const clipOnClassifierData = await dispatch<ModelCheckReport>('models.check', { modelId: clipId, datasetId: classifierData });
    expect(clipOnClassifierData.findings.find((f) => f.check === 'captions')).toMatchObject({
      status: 'problem',
      code: 'run.data-mismatch',
    });
    expect(clipOnClassifierData.findings.find((f) => f.check === 'size')).toMatchObject({ status: 'ok' });
  });
});

describe('models.fit (what New run asks on every pick)', () => {
  it('names the same mismatches as Models → Check, and none where the data fits', async () => {
    const pairs: [number, number][] = [
      [classifierId, diffusionData],
      [clipId, classifierData],
      [classifierId, classifierData],
    ];
    for (const [modelId, datasetId] of pairs) {
      const fit = await dispatch<DataFitReport>('models.fit', { modelId, datasetId });
      const check = await dispatch<ModelCheckReport>('models.check', { modelId, datasetId });
      const checkMismatches = check.findings
        .filter((f) => f.status === 'problem' && f.code === 'run.data-mismatch')
        .map((f) => ({ kind: f.check, message: f.message }));
      expect(fit).toEqual({ modelId, datasetId, mismatches: checkMismatches });
    }
    const sizeOnly = await dispatch<DataFitReport>('models.fit', { modelId: classifierId, datasetId: diffusionData });
    expect(sizeOnly.mismatches.map((m) => m.kind)).toEqual(['size']);
    expect(sizeOnly.mismatches[0]?.message).toMatch(/28×28.*16×16/);
    const noCaptions = await dispatch<DataFitReport>('models.fit', { modelId: clipId, datasetId: classifierData });
    expect(noCaptions.mismatches.map((m) => m.kind)).toEqual(['captions']);
  });

  it('reads no model file: it answers from stored facts after the model file is gone, where models.check reports it', async () => {
    const copyDir = path.join(dir, 'gone');
    fs.mkdirSync(copyDir);
    for (const file of ['target.onnx', 'target.json']) fs.copyFileSync(path.join(classifierKit, file), path.join(copyDir, file));
    const { id } = await dispatch<{ id: number }>('models.import', {
      kind: 'classifier',
      modelPath: path.join(copyDir, 'target.onnx'),
      role: 'null',
    });
    fs.rmSync(path.join(copyDir, 'target.onnx'));
    const fit = await dispatch<DataFitReport>('models.fit', { modelId: id, datasetId: diffusionData });
    expect(fit.mismatches.map((m) => m.kind)).toEqual(['size']);
    const check = await dispatch<ModelCheckReport>('models.check', { modelId: id, datasetId: diffusionData });
    expect(check.findings.find((f) => f.check === 'files')).toMatchObject({ status: 'problem' });
  });

  it('refuses an unknown model or dataset with its not-found code', async () => {
    expect((await refusal('models.fit', { modelId: 999, datasetId: classifierData })).code).toBe('model.not-found');
    expect((await refusal('models.fit', { modelId: classifierId, datasetId: 999 })).code).toBe('dataset.not-found');
  });
});

describe('swapped CLIP encoders', () => {
  it('are refused with advice that names the text encoder, not a schema dump', async () => {
    const error = await refusal('models.import', {
      kind: 'clip',
      imageModelPath: path.join(clipKit, 'text_encoder.onnx'),
      textModelPath: path.join(clipKit, 'image_encoder.onnx'),
      tokenizerPath: path.join(clipKit, 'tokenizer.json'),
    });
    expect(error.message).toMatch(/looks like a text encoder/);
    expect(error.message).toMatch(/swap/i);
  });
});
