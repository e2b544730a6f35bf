// The datasets and models stores tidying the workspace against a real backend through the in-process bridge: a
// rename shows in the list, a refused delete lands in the actions' error with the names of its users (not in the
// view's banner), a duplicate import's refusal carries the existing item, and a linked null model is the one New run
// pre-selects for its target.
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../../src-renderer/api';
import { useDatasetsStore } from '../../../../src-renderer/stores/datasets';
import { useModelsStore } from '../../../../src-renderer/stores/models';
import { writeTinyClassifier, writeTinyKit } from '../../../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../../../helpers/in-process-bridge';
import { makeTempDir } from '../../../helpers/temp-dir';

const dir = makeTempDir('mia-tidy-store-');
const { backend, bridge } = createTestBackend(dir);
setActivePinia(createPinia());
useBridge(bridge);
beforeEach(() => useBridge(bridge));

let manifest: string;
let modelFile: string;
let datasetId: number;
let targetId: number;
let runName: string;

beforeAll(async () => {
  const kit = await writeTinyKit(path.join(dir, 'kit'), 60);
  manifest = kit.manifest;
  modelFile = kit.model;
  const datasets = useDatasetsStore();
  const models = useModelsStore();
  datasetId = (await datasets.importDataset({ kind: 'manifest-csv', path: manifest, name: 'tiny' }))!.id;
  targetId = (await models.importModel({ kind: 'classifier', modelPath: modelFile, name: 'tiny target' }))!.id;
  const started = await backend.router.dispatch('runs.start', { attack: 'loss', targetModelId: targetId, datasetId, seed: 1 });
  if (!started.ok) throw new Error(started.error.message);
  runName = (started.data as { name: string }).name;
  await backend.idle();
}, 120_000);

afterAll(async () => {
  await backend.idle();
  backend.close();
});

describe('datasets store: tidying', () => {
  it('renames a dataset and shows the new name in the list', async () => {
    const store = useDatasetsStore();
    expect((await store.rename(datasetId, ' tiny audit '))?.name).toBe('tiny audit');
    expect(store.datasets.find((d) => d.id === datasetId)?.name).toBe('tiny audit');
    expect(store.tidyError).toBeNull();
  });

  it('keeps a refused delete in the actions error, naming the run, and keeps the dataset listed', async () => {
    const store = useDatasetsStore();
    expect(await store.remove(datasetId)).toBe(false);
    expect(store.tidyError?.code).toBe('dataset.in-use');
    expect(store.tidyError?.message).toContain(`run '${runName}'`);
    expect(store.error).toBeNull();
    expect(store.datasets.some((d) => d.id === datasetId)).toBe(true);
  });

  it('gives a duplicate import the existing dataset to offer', async () => {
    const store = useDatasetsStore();
    expect(await store.importDataset({ kind: 'manifest-csv', path: manifest })).toBeUndefined();
    expect(store.importError).toMatchObject({ code: 'dataset.duplicate', details: { existingId: datasetId, existingName: 'tiny audit' } });
  });
});

describe('models store: null model of a target', () => {
  it('links an imported null model to its target, which is what New run pre-selects', async () => {
    const store = useModelsStore();
    const nullFile = path.join(dir, 'null', 'null.onnx');
    writeTinyClassifier(nullFile);
    // The tiny null model has the same bytes as the target, but another role: not a duplicate.
    const nullModel = (await store.importModel({ kind: 'classifier', role: 'null', modelPath: nullFile, name: 'tiny null' }))!;
    expect(store.linkedNullModelOf(targetId)).toBeUndefined();
    await store.linkNullModel(nullModel.id, targetId);
    expect(store.tidyError).toBeNull();
    expect(store.linkedNullModelOf(targetId)?.id).toBe(nullModel.id);
    await store.linkNullModel(nullModel.id, null);
    expect(store.linkedNullModelOf(targetId)).toBeUndefined();
  });

  it('refuses to delete a target a run used, naming the run', async () => {
    const store = useModelsStore();
    expect(await store.remove(targetId)).toBe(false);
    expect(store.tidyError).toMatchObject({ code: 'model.in-use' });
    expect(store.tidyError?.message).toContain(`run '${runName}'`);
  });
});
