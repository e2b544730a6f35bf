// The workbench's stores (datasets, models, attacks, runs, compare) against a real backend through the in-process
// bridge: a small slice of the classifier demo kit is imported, two loss runs are started, and each store is
// checked for what its view reads.
import fs from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../../src-renderer/api';
import { useAttacksStore } from '../../../../src-renderer/stores/attacks';
import { useCompareStore } from '../../../../src-renderer/stores/compare';
import { importIssuesOf, useDatasetsStore } from '../../../../src-renderer/stores/datasets';
import { useModelsStore } from '../../../../src-renderer/stores/models';
import { useRunsStore } from '../../../../src-renderer/stores/runs';
import { classifierKit } from '../../../helpers/demo-kit';
import { createTestBackend } from '../../../helpers/in-process-bridge';
import { bruteForceAuc } from '../../../helpers/reference-metrics';
import { auditScoresWithMembership } from '../../../helpers/stored-run-metrics';
import { makeTempDir } from '../../../helpers/temp-dir';

const dir = makeTempDir();
const { backend, bridge } = createTestBackend(dir);
afterAll(() => backend.close());
// One Pinia per file: the stores share state across the tests below as the views would.
setActivePinia(createPinia());
beforeEach(() => useBridge(bridge));

/** 20 members and 20 non-members of the demo kit's audit records, copied with their images. */
function writeSmallManifest(): string {
  const out = makeTempDir('mia-stores-');
  const lines = fs.readFileSync(path.join(classifierKit, 'manifest.csv'), 'utf8').trim().split(/\r?\n/);
  const rows = lines.slice(1).map((line) => line.split(','));
  const pick = [
    ...rows.filter((r) => r[4] === '1' && r[5] === 'audit').slice(0, 20),
    ...rows.filter((r) => r[4] === '0' && r[5] === 'audit').slice(0, 20),
  ];
  fs.mkdirSync(path.join(out, 'images'));
  for (const row of pick) fs.copyFileSync(path.join(classifierKit, row[1]!), path.join(out, row[1]!));
  fs.writeFileSync(path.join(out, 'manifest.csv'), [lines[0], ...pick.map((r) => r.join(','))].join('\n') + '\n');
  return path.join(out, 'manifest.csv');
}

describe('workbench stores', () => {
  it('datasets store keeps every per-file problem of a failed import and imports a good manifest', async () => {
    const store = useDatasetsStore();
    const broken = path.join(makeTempDir('mia-broken-'), 'manifest.csv');
    fs.writeFileSync(broken, 'id,path,label,caption,member,role\na,missing.png,1,,1,audit\nb,gone.png,1,,0,nowhere\n');
    expect(await store.importDataset({ kind: 'manifest-csv', path: broken })).toBeUndefined();
    const issues = importIssuesOf(store.importError);
    expect(issues.map((i) => i.line).sort()).toEqual([2, 3]);
    expect(issues.find((i) => i.line === 2)?.code).toBe('dataset.file-missing');
    expect(issues.find((i) => i.field === 'role')?.code).toBe('dataset.unknown-role');
    await store.refresh();
    expect(store.datasets).toEqual([]);

    const dataset = await store.importDataset({ kind: 'manifest-csv', path: writeSmallManifest(), name: 'small' });
    expect(dataset?.recordCount).toBe(40);
    expect(store.importError).toBeNull();
    expect(store.datasets.map((d) => d.name)).toEqual(['small']);
    const counts = await store.loadCounts(dataset!.id);
    expect(counts?.byMember).toEqual([
      { member: 0, count: 20 },
      { member: 1, count: 20 },
    ]);
    const page = await store.fetchRecords({ datasetId: dataset!.id, offset: 10, limit: 5, withThumbnails: true });
    expect(page.total).toBe(40);
    expect(page.items).toHaveLength(5);
    expect(page.items[0]!.thumbnail).toBeInstanceOf(Uint8Array);
  });

  it('models store imports a target and a reference set, shows details and checks the model against the dataset', async () => {
    const store = useModelsStore();
    const target = await store.importModel({ kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') });
    expect(target?.role).toBe('target');
    const set = await store.importSet({ purpose: 'reference', manifestPath: path.join(classifierKit, 'reference', 'manifest.json') });
    expect(set?.set.modelCount).toBe(16);
    expect(store.sets.map((s) => s.purpose)).toEqual(['reference']);
    expect(store.models.filter((m) => m.role === 'reference')).toHaveLength(16);
    const details = await store.loadDetails(target!.id);
    expect(details?.io.model?.outputs[0]?.shape).toEqual(['batch', 10]);
    const report = await store.checkAgainst(target!.id, useDatasetsStore().datasets[0]!.id);
    expect(report?.compatible).toBe(true);
    expect(await store.importModel({ kind: 'classifier', modelPath: path.join(classifierKit, 'no-such.onnx') })).toBeUndefined();
    expect(store.importError?.code).toBe('model.file-missing');
  });

  it("attacks store lists the attacks and keeps the backend's refusal of invalid parameters per attack", async () => {
    const store = useAttacksStore();
    await store.refresh();
    expect(store.attacks.map((a) => a.id)).toEqual(expect.arrayContaining(['loss', 'lira']));
    const targetModelId = useModelsStore().models.find((m) => m.role === 'target')!.id;
    const datasetId = useDatasetsStore().datasets[0]!.id;
    expect((await store.estimate({ attack: 'loss', targetModelId, datasetId }))?.modelCalls).toBe(40);
    expect(await store.estimate({ attack: 'lira', targetModelId, datasetId, params: { variant: 'sideways' } })).toBeNull();
    expect(store.estimates.lira?.error?.code).toBe('run.invalid-params');
    expect(store.estimates.loss?.estimate?.scoredRecords).toBe(40);
  });

  it("runs store starts several runs, reports each refusal on its own, and loads a finished run's details", async () => {
    const store = useRunsStore();
    const targetModelId = useModelsStore().models.find((m) => m.role === 'target')!.id;
    const datasetId = useDatasetsStore().datasets[0]!.id;
    const { started, refused } = await store.startMany([
      { attack: 'loss', targetModelId, datasetId, seed: 1 },
      { attack: 'no-such-attack', targetModelId, datasetId },
      { attack: 'entropy', targetModelId, datasetId, seed: 1 },
    ]);
    expect(started.map((r) => r.attack)).toEqual(['loss', 'entropy']);
    expect(refused.map((r) => [r.attack, r.error.code])).toEqual([['no-such-attack', 'attack.unknown']]);
    await backend.idle();
    await store.refresh();
    expect(store.runs.every((r) => r.status === 'finished')).toBe(true);
    const details = await store.loadDetails(started[0]!.id);
    const { scores, members } = auditScoresWithMembership(backend.db, started[0]!.id);
    expect(details?.metrics.find((m) => m.name === 'auc' && m.slice === '')?.value).toBeCloseTo(bruteForceAuc(scores, members), 12);
  });

  it("compare store loads two runs' reports and the most exposed members of one", async () => {
    const store = useCompareStore();
    const ids = useRunsStore().runs.map((r) => r.id);
    await store.load(ids);
    expect(store.error).toBeNull();
    for (const id of ids) {
      expect(store.reports[id]?.curves.members).toBe(20);
      expect(store.reports[id]?.curves.roc.fpr).toBeInstanceOf(Float64Array);
    }
    const exposed = await store.loadExposed(ids[0]!, true, 5);
    expect(exposed?.items).toHaveLength(5);
    expect(exposed?.items.every((item) => item.member === 1)).toBe(true);
  });
});
