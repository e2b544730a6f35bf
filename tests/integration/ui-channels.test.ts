// The workbench UI's backend channels end to end: the classifier demo kit imported through the contract router,
// a loss run by a real engine host, then everything the views ask for (attacks, estimates, sets, model details and
// checks, run details, curves, the most exposed records, re-run, a split plan in a folder the page names) read back
// and checked against the workspace.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary, RunSummary } from '../../src-shared/contract/contract';
import { decodeWire, encodeWire } from '../../src-shared/contract/wire-codec';
import { listRecordsForAttack } from '../../src-main/workspace/records-repo';
import { readMetrics, readScores } from '../../src-main/workspace/runs-repo';
import { classifierKit } from '../helpers/demo-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { contractCalls } from '../helpers/contract-calls';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
// As behind the headless host: the page names training folders, created under this root.
const trainingRoot = path.join(dir, 'training');
const { backend } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: scriptedFrontDoor(undefined, { trainingRoot }).frontDoor });
afterAll(() => backend.close());

const { call, refusal } = contractCalls(backend);

let datasetId: number;
let target: ModelSummary;
let nullModel: ModelSummary;
let referenceSetId: number;
let lossRun: RunSummary;

beforeAll(async () => {
  datasetId = (await call('datasets.import', { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv'), name: 'demo' }))
    .dataset.id;
  target = await call('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') });
  nullModel = await call('models.import', { kind: 'classifier', role: 'null', modelPath: path.join(classifierKit, 'null.onnx') });
  referenceSetId = (
    await call('models.importSet', { purpose: 'reference', manifestPath: path.join(classifierKit, 'reference', 'manifest.json') })
  ).set.id;
  lossRun = await call('runs.start', { attack: 'loss', targetModelId: target.id, datasetId, seed: 3 });
  await backend.idle();
}, 240_000);

describe('UI channels on the classifier demo kit', () => {
  it('lists every attack with its parameters as JSON Schema (defaults, enums, descriptions)', async () => {
    const attacks = await call('attacks.list');
    const lira = attacks.find((a) => a.id === 'lira')!;
    expect(lira.family).toBe('classifier');
    expect(lira.needs.referenceModels).toBe('required');
    const variant = (lira.paramsSchema.properties as Record<string, Record<string, unknown>>).variant!;
    expect(variant.enum).toEqual(['online', 'offline']);
    expect(variant.default).toBe('online');
    expect(typeof variant.description).toBe('string');
    expect(attacks.find((a) => a.id === 'loss')!.paramsSchema.properties).toEqual({});
  });

  it("estimates model calls with the attack's own formula and refuses invalid parameters", async () => {
    const dataset = (await call('datasets.list')).find((d) => d.id === datasetId)!;
    const scored = (dataset.roleCounts.audit ?? 0) + (dataset.roleCounts.calibration ?? 0);
    const loss = await call('runs.estimate', { attack: 'loss', targetModelId: target.id, datasetId });
    // A classifier is one model: its breakdown is that model alone.
    expect(loss).toMatchObject({ modelCalls: scored, components: { model: scored }, scoredRecords: scored, includesNullModel: false });
    expect(
      (await call('runs.estimate', { attack: 'loss', targetModelId: target.id, datasetId, nullModelId: nullModel.id })).modelCalls,
    ).toBe(2 * scored);
    const lira = await call('runs.estimate', {
      attack: 'lira',
      targetModelId: target.id,
      datasetId,
      referenceSetId,
      params: { flipAugmentation: true },
    });
    expect(lira.references).toBe(16);
    expect(lira.modelCalls).toBe(scored * 17 * 2);
    expect(await refusal('runs.estimate', { attack: 'lira', targetModelId: target.id, datasetId, params: { variant: 'sideways' } })).toBe(
      'run.invalid-params',
    );
  });

  it("lists model sets with their sizes and describes a model's files, I/O and training set", async () => {
    const sets = await call('models.sets');
    expect(sets).toEqual([expect.objectContaining({ id: referenceSetId, purpose: 'reference', modelCount: 16 })]);
    const details = await call('models.details', { modelId: target.id });
    expect(details.io.model!.inputs[0]).toMatchObject({ name: 'pixel_values', dtype: 'float32' });
    expect(details.files[0]).toMatchObject({ role: 'model', path: path.join(classifierKit, 'target.onnx') });
    expect(details.config.classes).toBe(10);
    expect(details.trainedOnCount).toBeNull();
    const reference = (await call('models.list')).find((m) => m.role === 'reference')!;
    expect((await call('models.details', { modelId: reference.id })).trainedOnCount).toBeGreaterThan(0);
  });

  it("refuses a model import whose overrides do not fit the family's configuration", async () => {
    const code = await refusal('models.import', {
      kind: 'classifier',
      modelPath: path.join(classifierKit, 'target.onnx'),
      config: { classes: 'ten' },
    });
    expect(code).toBe('model.bad-import-request');
  });

  it('checks a model against a dataset: the demo target fits, a dataset with a label beyond its classes does not', async () => {
    const fits = await call('models.check', { modelId: target.id, datasetId });
    expect(fits.compatible).toBe(true);
    expect(fits.findings.map((f) => f.check)).toEqual(['files', 'input', 'output', 'classes', 'labels', 'size', 'channels', 'records']);

    const odd = makeTempDir('mia-ui-odd-');
    const image = fs.readdirSync(path.join(classifierKit, 'images')).find((name) => name.endsWith('.png'))!;
    fs.copyFileSync(path.join(classifierKit, 'images', image), path.join(odd, 'a.png'));
    fs.copyFileSync(path.join(classifierKit, 'images', image), path.join(odd, 'b.png'));
    fs.writeFileSync(path.join(odd, 'manifest.csv'), 'id,path,label,caption,member,role\na,a.png,12,,1,audit\nb,b.png,3,,0,audit\n');
    const oddId = (await call('datasets.import', { kind: 'manifest-csv', path: path.join(odd, 'manifest.csv') })).dataset.id;
    const report = await call('models.check', { modelId: target.id, datasetId: oddId });
    expect(report.compatible).toBe(false);
    expect(report.findings.find((f) => f.check === 'classes')).toMatchObject({ status: 'problem', code: 'model.incompatible' });
    expect(report.findings.find((f) => f.check === 'classes')!.message).toMatch(/label 12/);
  });

  it("gives a run's details exactly as stored: metrics, checks with messages, log and configuration", async () => {
    expect(lossRun.status).toBe('running');
    const details = await call('runs.details', { runId: lossRun.id });
    expect(details.run.status).toBe('finished');
    expect(details.targetModelName).toBe('target');
    expect(details.config).toMatchObject({ attack: 'loss', seed: 3, datasetId });
    expect(details.metrics).toEqual(readMetrics(backend.db, lossRun.id));
    expect(details.checks.map((c) => c.kind).sort()).toEqual(['blind-baseline', 'null-model', 'polarity']);
    expect(details.checks.every((c) => c.message.length > 10)).toBe(true);
  });

  it('draws curves from stored scores: a thinned ROC, histogram bins holding every audited record, per-class AUC from the metrics', async () => {
    const curves = await call('runs.curves', { runId: lossRun.id, maxPoints: 100, bins: 30 });
    expect(curves.members).toBe(500);
    expect(curves.nonMembers).toBe(500);
    expect(curves.roc.fpr.length).toBeLessThanOrEqual(100);
    expect(curves.roc.fpr[0]).toBe(0);
    expect(curves.roc.fpr[curves.roc.fpr.length - 1]).toBe(1);
    for (let i = 1; i < curves.roc.fpr.length; i++) expect(curves.roc.fpr[i]!).toBeGreaterThanOrEqual(curves.roc.fpr[i - 1]!);
    const sum = (a: Int32Array) => a.reduce((s, v) => s + v, 0);
    expect(curves.histogram.edges.length).toBe(31);
    expect(sum(curves.histogram.members)).toBe(500);
    expect(sum(curves.histogram.nonMembers)).toBe(500);
    const stored = readMetrics(backend.db, lossRun.id).filter((m) => m.name === 'auc' && m.slice.startsWith('class:'));
    expect(curves.perClass.map((c) => c.auc)).toEqual(
      stored.sort((a, b) => Number(a.slice.slice(6)) - Number(b.slice.slice(6))).map((m) => m.value),
    );
    expect(curves.perClass[0]!.className).toBe('T-shirt/top'); // from the target's sidecar: the manifest names no classes
    // The WebSocket codec carries the typed arrays as typed arrays.
    const decoded = decodeWire(encodeWire(curves)) as typeof curves;
    expect(decoded.roc.tpr).toBeInstanceOf(Float64Array);
    expect(Array.from(decoded.histogram.members)).toEqual(Array.from(curves.histogram.members));
  });

  it('lists the most exposed records by score with thumbnails, ranked among all audited records', async () => {
    const exposed = await call('runs.exposed', { runId: lossRun.id, limit: 5 });
    expect(exposed.scored).toBe(1000);
    expect(exposed.items.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < exposed.items.length; i++) expect(exposed.items[i]!.score).toBeLessThanOrEqual(exposed.items[i - 1]!.score);
    const audited = new Set(listRecordsForAttack(backend.db, datasetId, ['audit']).map((r) => r.id));
    const { recordIds, scores } = readScores(backend.db, lossRun.id);
    expect(exposed.items[0]!.score).toBe(Math.max(...scores.filter((_, i) => audited.has(recordIds[i]!))));
    expect(Array.from(exposed.items[0]!.thumbnail!.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const members = await call('runs.exposed', { runId: lossRun.id, limit: 10, membersOnly: true });
    expect(members.items.every((i) => i.member === 1)).toBe(true);
    expect(members.items[0]!.rank).toBeGreaterThanOrEqual(1);
  });

  it('re-runs a finished run as a new run with the same configuration and bit-identical scores', async () => {
    const again = await call('runs.rerun', { runId: lossRun.id });
    expect(again.id).not.toBe(lossRun.id);
    await backend.idle();
    expect((await call('runs.get', { runId: again.id })).status).toBe('finished');
    expect((await call('runs.details', { runId: again.id })).config).toMatchObject({
      attack: 'loss',
      seed: 3,
      targetModelId: target.id,
      datasetId,
    });
    expect(Array.from(readScores(backend.db, again.id).scores)).toEqual(Array.from(readScores(backend.db, lossRun.id).scores));
    expect(await refusal('runs.rerun', { runId: 9999 })).toBe('run.not-found');
  });

  it('writes a split plan into a folder the page names under the training root, shows that folder back, and refuses a path', async () => {
    expect(await call('settings.get')).toMatchObject({ folderChoice: 'name', trainingRoot });
    const plan = await call('training.plan', {
      purpose: 'reference',
      datasetId,
      targetModelId: target.id,
      count: 2,
      folderName: 'reference plan',
    });
    expect(plan.folder).toBe(path.join(trainingRoot, 'reference plan'));
    expect(plan.manifestPath).toBe(path.join(trainingRoot, 'reference plan', 'manifest.json'));
    expect(decodeWire(encodeWire(plan))).toEqual(plan);
    for (const folderName of ['../escaped', path.join(dir, 'escaped')]) {
      expect(await refusal('training.plan', { purpose: 'reference', datasetId, targetModelId: target.id, folderName })).toBe(
        'ipc.invalid-payload',
      );
    }
    expect(
      await refusal('training.plan', { purpose: 'reference', datasetId, targetModelId: target.id, folder: path.join(dir, 'escaped') }),
    ).toBe('ipc.invalid-payload');
    expect(fs.existsSync(path.join(dir, 'escaped'))).toBe(false);
  });

  it('counts records per role and label for the Datasets view', async () => {
    const counts = await call('datasets.counts', { datasetId });
    expect(counts.total).toBe(counts.byLabel.reduce((s, e) => s + e.count, 0));
    expect(counts.byRole.audit).toBe(1000);
    expect(await refusal('datasets.counts', { datasetId: 9999 })).toBe('dataset.not-found');
  });
});
