// The training store against a real backend through the in-process bridge: the Python path setting, a split plan
// of the classifier demo kit written to the folder the app's (scripted) dialog gives or under the browser's training
// root, a cancelled dialog, refused requests that name a path, and the live job updates the backend's events bring.
// No real training job is started here (slow); the backend's integration test covers training.
import fs from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { SplitPlanRequest, TrainingJobSummary } from '../../../../src-shared/contract/contract';
import { useBridge } from '../../../../src-renderer/api';
import { useDatasetsStore } from '../../../../src-renderer/stores/datasets';
import { useModelsStore } from '../../../../src-renderer/stores/models';
import { useTrainingStore } from '../../../../src-renderer/stores/training';
import { classifierKit, hasClassifierKit } from '../../../helpers/demo-kit';
import { createTestBackend } from '../../../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../../../helpers/scripted-front-door';
import { makeTempDir } from '../../../helpers/temp-dir';

const dir = makeTempDir();
// The person at the app, scripted: confirms or declines each proposed interpreter, picks or cancels each folder.
const door = scriptedFrontDoor({ python: true, destination: () => null });
const { backend, bridge } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: door.frontDoor });
afterAll(() => backend.close());
// One Pinia per file, as the views share it; the settings test makes its own to read the setting back afresh.
setActivePinia(createPinia());
beforeEach(() => useBridge(bridge));

let datasetId = 0;
let targetId = 0;

/** A stand-in interpreter: answers the bridge's probe the way a Python with PyTorch would, or fails it. */
function fakePython(folder: string, name: string, withTorch: boolean): string {
  const file = path.join(folder, name);
  const body = withTorch
    ? 'echo \'{"torch": "9.9.9-test", "python": "3.11.2"}\''
    : 'echo "ModuleNotFoundError: No module named \'torch\'" >&2; exit 1';
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A running training job as the backend's status event describes it (not in the workspace: only the events know it). */
function runningJob(id: number): TrainingJobSummary {
  return {
    id,
    purpose: 'shadow',
    status: 'running',
    datasetId,
    targetModelId: targetId,
    folder: '/tmp/shadows',
    modelCount: 2,
    modelsDone: 0,
    modelSetId: null,
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: null,
    recipe: { architecture: 'cnn', epochs: 3, learningRate: 0.002, batchSize: 32, weightDecay: 0 },
    results: [],
    log: [],
    error: null,
    backend: 'local',
    slurm: null,
  };
}

describe('training store: the Python path setting', () => {
  it('saves a Python path, reads it back in a fresh store, detects it, and clears it back to the automatic search', async () => {
    const folder = makeTempDir('mia-python-');
    const python = fakePython(folder, 'python3', true);
    const store = useTrainingStore();
    expect(await store.savePythonPath(`  ${python}  `)).toBe(true);
    expect(store.settingsError).toBeNull();
    expect(store.pythonPath).toBe(python);

    setActivePinia(createPinia());
    const fresh = useTrainingStore();
    expect(fresh.settingsLoaded).toBe(false);
    await fresh.loadSettings();
    expect(fresh.settingsError).toBeNull();
    expect(fresh.settingsLoaded).toBe(true);
    expect(fresh.pythonChangeable).toBe(true);
    expect(fresh.folderChoice).toBe('dialog');
    expect(fresh.trainingRoot).toBeNull();
    expect(fresh.pythonPath).toBe(python);
    const probe = await fresh.detect();
    expect(fresh.probing).toBe(false);
    expect(probe).toEqual({ found: true, path: python, torchVersion: '9.9.9-test', source: 'setting', tried: [] });
    expect(fresh.probe).toEqual(probe);

    // A Python without PyTorch is refused with the backend's reason; the saved path stays.
    expect(await fresh.savePythonPath(fakePython(folder, 'python-no-torch', false))).toBe(false);
    expect(fresh.settingsError?.code).toBe('settings.bad-python');
    expect(fresh.settingsError?.message).toMatch(/python-no-torch.*no PyTorch/);
    expect(fresh.pythonPath).toBe(python);

    // Declined in the app's dialog: refused with its own code, the saved path stays.
    door.answers.python = false;
    expect(await fresh.savePythonPath(fakePython(folder, 'python-declined', true))).toBe(false);
    expect(fresh.settingsError?.code).toBe('settings.python-not-confirmed');
    expect(fresh.pythonPath).toBe(python);
    door.answers.python = true;

    expect(await fresh.savePythonPath('   ')).toBe(true);
    expect(fresh.settingsError).toBeNull();
    expect(fresh.pythonPath).toBeNull();
    expect(fresh.probe).toBeNull();
    await fresh.loadSettings();
    expect(fresh.pythonPath).toBeNull();
    expect(door.pythonAsked).toEqual([python, path.join(folder, 'python-no-torch'), path.join(folder, 'python-declined'), null]);
    setActivePinia(createPinia());
  });

  it("knows when the page cannot change the interpreter (the headless host) and keeps the backend's reason", async () => {
    const other = createTestBackend(makeTempDir());
    try {
      setActivePinia(createPinia());
      useBridge(other.bridge);
      const store = useTrainingStore();
      await store.loadSettings();
      expect(store.pythonChangeable).toBe(false);
      expect(store.folderChoice).toBe('none');
      expect(await store.savePythonPath('/usr/bin/python3')).toBe(false);
      expect(store.settingsError?.code).toBe('settings.python-fixed');
      expect(store.pythonPath).toBeNull();
    } finally {
      other.backend.close();
      setActivePinia(createPinia());
      useBridge(bridge);
    }
  });
});

describe.skipIf(!hasClassifierKit)('training store: plans and jobs', () => {
  it('writes a shadow plan of the demo kit: 8 models drawn from the aux pool, files on disk', async () => {
    const dataset = await useDatasetsStore().importDataset({
      kind: 'manifest-csv',
      path: path.join(classifierKit, 'manifest.csv'),
      name: 'demo classifier',
    });
    const target = await useModelsStore().importModel({ kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') });
    expect(dataset).toBeDefined();
    expect(target).toBeDefined();
    datasetId = dataset!.id;
    targetId = target!.id;

    const store = useTrainingStore();
    const folder = path.join(makeTempDir('mia-plan-'), 'shadows');
    door.answers.folder = () => folder;
    const summary = await store.plan({ purpose: 'shadow', datasetId, targetModelId: targetId });
    door.answers.folder = () => null;
    expect(store.error).toBeNull();
    expect(door.folderAsked).toEqual(['shadow']);
    expect(summary!.folder).toBe(folder);
    expect(summary).toBeDefined();
    expect(store.lastPlan).toEqual(summary);
    expect(summary!.purpose).toBe('shadow');
    expect(summary!.models).toHaveLength(8);
    expect(summary!.seed).toBe(0);
    expect(summary!.pool.roles).toEqual(['aux']);
    expect(summary!.pool.size).toBeGreaterThan(0);
    for (const model of summary!.models) {
      expect(model.trainCount).toBeGreaterThan(0);
      expect(model.trainCount + model.heldOutCount).toBeLessThanOrEqual(summary!.pool.size);
    }
    for (const file of [summary!.planPath, summary!.manifestPath, summary!.splitsPath]) {
      expect(path.dirname(file)).toBe(folder);
      expect(fs.existsSync(file)).toBe(true);
    }
  });

  it('says, without an error, that a cancelled folder dialog wrote nothing, and keeps the last good plan', async () => {
    const store = useTrainingStore();
    const before = store.lastPlan;
    expect(before).not.toBeNull();
    expect(await store.plan({ purpose: 'reference', datasetId, targetModelId: targetId })).toBeUndefined();
    expect(door.folderAsked).toEqual(['shadow', 'reference']);
    expect(store.error).toBeNull();
    expect(store.notice).toMatch(/No folder was chosen.*nothing was written/);
    expect(store.lastPlan).toBe(before);
  });

  it("keeps the backend's refusal when a (compromised) page sends a path, opens no dialog and writes nothing", async () => {
    const store = useTrainingStore();
    const before = store.lastPlan;
    const outside = path.join(makeTempDir('mia-outside-'), 'x');
    for (const attempt of [{ folder: outside }, { folderName: '../x' }, { folderName: outside }]) {
      const summary = await store.plan({ purpose: 'shadow', datasetId, targetModelId: targetId, ...attempt } as SplitPlanRequest);
      expect(summary).toBeUndefined();
      expect(store.error?.code).toBe('ipc.invalid-payload');
      expect(store.notice).toBeNull();
    }
    expect(store.error?.message).toMatch(/folderName.*not a path/);
    expect(door.folderAsked).toEqual(['shadow', 'reference']);
    expect(fs.existsSync(outside)).toBe(false);
    expect(store.lastPlan).toBe(before);
  });

  it('in the browser, names a folder that the backend creates under the training root, and shows where it went', async () => {
    const root = path.join(makeTempDir('mia-root-'), 'training');
    const other = createTestBackend(dir, 'workspace.sqlite', { frontDoor: scriptedFrontDoor(undefined, { trainingRoot: root }).frontDoor });
    try {
      setActivePinia(createPinia());
      useBridge(other.bridge);
      const store = useTrainingStore();
      await store.loadSettings();
      expect(store.folderChoice).toBe('name');
      expect(store.trainingRoot).toBe(root);
      // Without a name there is nowhere to write.
      expect(await store.plan({ purpose: 'shadow', datasetId, targetModelId: targetId, count: 2 })).toBeUndefined();
      expect(store.error?.code).toBe('training.folder-name-required');
      const summary = await store.plan({ purpose: 'shadow', datasetId, targetModelId: targetId, count: 2, folderName: 'shadows seed 0' });
      expect(store.error).toBeNull();
      expect(summary!.folder).toBe(path.join(root, 'shadows seed 0'));
      expect(fs.readdirSync(summary!.folder).sort()).toEqual(['manifest.json', 'plan.json', 'splits.csv']);
    } finally {
      other.backend.close();
      setActivePinia(createPinia());
      useBridge(bridge);
    }
  });

  it('lists no jobs before any training, then follows progress and status events and refreshes the sets when a set is imported', async () => {
    const store = useTrainingStore();
    await store.refresh();
    // (store.error may still hold the previous test's refused plan: a read does not clear an action's refusal.)
    expect(store.loaded).toBe(true);
    expect(store.jobs).toEqual([]);

    const releaseEvents = store.listen();
    try {
      const job = runningJob(41);
      backend.bus.emit('training.status', job);
      backend.bus.emit('training.progress', { jobId: 41, model: 1, modelCount: 2, epoch: 2, epochs: 3, loss: 0.25 });
      expect(store.jobs.map((j) => [j.id, j.status])).toEqual([[41, 'running']]);
      expect(store.progress[41]).toMatchObject({ model: 1, epoch: 2, loss: 0.25 });

      // The set the job "imported" must exist for the models store to list it: the demo kit's shadow set.
      const models = useModelsStore();
      const imported = await models.importSet({ purpose: 'shadow', manifestPath: path.join(classifierKit, 'shadows', 'manifest.json') });
      expect(imported).toBeDefined();
      models.sets = [];
      backend.bus.emit('training.status', {
        ...job,
        status: 'finished',
        modelsDone: 2,
        modelSetId: imported!.set.id,
        finishedAt: '2026-01-01T00:01:00Z',
      });
      expect(store.jobs).toHaveLength(1);
      expect(store.jobs[0]).toMatchObject({ status: 'finished', modelSetId: imported!.set.id });
      await expect.poll(() => models.sets.map((s) => s.id)).toContain(imported!.set.id);
    } finally {
      releaseEvents();
    }
    backend.bus.emit('training.status', { ...store.jobs[0]!, id: 42 });
    expect(store.jobs.map((j) => j.id)).toEqual([41]);
  });

  it('keeps following events while one of two views still holds them, and stops when the last lets go', () => {
    const store = useTrainingStore();
    const job = runningJob(50);
    const releasePanel = store.listen();
    const releaseOther = store.listen();
    releasePanel();
    releasePanel(); // a second release of the same hold must not drop the other view's
    backend.bus.emit('training.status', job);
    expect(store.jobs.map((j) => j.id)).toContain(50);
    releaseOther();
    backend.bus.emit('training.status', { ...job, id: 51 });
    expect(store.jobs.map((j) => j.id)).not.toContain(51);
  });

  it('sends a resubmit to the backend with exactly the indices asked for, and keeps its refusal and the job list as they were', async () => {
    const store = useTrainingStore();
    await store.refresh();
    const before = store.jobs.map((j) => j.id);
    await store.resubmit(999, [1, 3]);
    expect(store.error?.code).toBe('training.not-found');
    expect(store.error?.message).toContain('no training job 999');
    // Indices the contract refuses never reach the service: refused at the router, naming the field.
    await store.resubmit(999, []);
    expect(store.error?.code).toBe('ipc.invalid-payload');
    expect(store.error?.message).toMatch(/indices/);
    expect(store.jobs.map((j) => j.id)).toEqual(before);
  });
});
