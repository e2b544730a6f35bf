// Split plans through the contract: what training.plan writes for an auditor's own pipeline (plan.json,
// manifest.json, splits.csv), the defaults it takes from the target, the errors it gives, where the files go (a
// folder named under the training root, or the app's folder dialog; never a path from the page), and the Python
// setting.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PythonProbe, SplitPlanSummary, TrainingSettings } from '../../src-shared/contract/contract';
import { parseCsv } from '../../src-main/engine/data/csv';
import { classifierKit, hasClassifierKit, importClassifierKit } from '../helpers/demo-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { makeTempDir } from '../helpers/temp-dir';

type TestBackend = ReturnType<typeof createTestBackend>['backend'];

async function invoke<T>(backend: TestBackend, channel: string, request?: unknown): Promise<T> {
  const result = await backend.router.dispatch(channel, request);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

/** A CSV file's rows as objects keyed by the header's column names. */
function csvObjects(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'), path.basename(file));
  return rows.map((row) => Object.fromEntries(header!.fields.map((name, i) => [name, row.fields[i] ?? ''])));
}

async function errorOf(backend: TestBackend, channel: string, request?: unknown): Promise<{ code: string; message: string }> {
  const result = await backend.router.dispatch(channel, request);
  if (result.ok) throw new Error(`${channel} succeeded; an error was expected`);
  return result.error;
}

describe.skipIf(!hasClassifierKit)('training.plan on the demo classifier kit', () => {
  const dir = makeTempDir();
  // As under the headless host: the page names folders, created under this root.
  const root = path.join(dir, 'training');
  const { backend } = createTestBackend(dir, 'workspace.sqlite', {
    frontDoor: scriptedFrontDoor(undefined, { trainingRoot: root }).frontDoor,
  });
  const kit = importClassifierKit(backend.db);
  const keysByRole = (role: string) =>
    new Set(
      csvObjects(path.join(classifierKit, 'manifest.csv'))
        .filter((row) => row.role === role)
        .map((row) => row.id),
    );

  it("plans Shokri shadows from the aux pool with the target's training-set size, in the importable manifest format", async () => {
    const { datasetId, targetId } = await kit;
    const summary = await invoke<SplitPlanSummary>(backend, 'training.plan', {
      purpose: 'shadow',
      datasetId,
      targetModelId: targetId,
      count: 3,
      seed: 4,
      folderName: 'shadow-plan',
    });
    expect(summary.folder).toBe(path.join(root, 'shadow-plan'));
    expect(summary.manifestPath).toBe(path.join(root, 'shadow-plan', 'manifest.json'));
    expect(summary.pool).toEqual({ roles: ['aux'], size: 2400 });
    // The demo target's sidecar says it trained on 600 records; each shadow trains on 600 and holds out 600.
    expect(summary.models).toEqual(
      ['shadow_00', 'shadow_01', 'shadow_02'].map((name) => ({ name, file: `${name}.onnx`, trainCount: 600, heldOutCount: 600 })),
    );
    expect(summary.notes.join(' ')).toMatch(/600 records, the target's training-set size/);

    const manifest = JSON.parse(fs.readFileSync(summary.manifestPath, 'utf8')) as { models: { path: string; trained_on: string[] }[] };
    const aux = keysByRole('aux');
    expect(manifest.models.map((m) => m.path)).toEqual(['shadow_00.onnx', 'shadow_01.onnx', 'shadow_02.onnx']);
    for (const model of manifest.models) {
      expect(new Set(model.trained_on).size).toBe(600);
      expect(model.trained_on.every((key) => aux.has(key))).toBe(true);
    }
    const plan = JSON.parse(fs.readFileSync(summary.planPath, 'utf8')) as {
      seed: number;
      models: { trained_on: string[]; held_out: string[] }[];
    };
    expect(plan.seed).toBe(4);
    for (const model of plan.models) expect(model.trained_on.filter((key) => model.held_out.includes(key))).toEqual([]);

    const rows = csvObjects(summary.splitsPath);
    expect(rows).toHaveLength(3 * 1200);
    const first = rows.find((row) => row.model === 'shadow_00' && row.split === 'train')!;
    expect(fs.existsSync(first.path!)).toBe(true); // absolute paths the auditor's pipeline can open
    expect(rows.filter((row) => row.model === 'shadow_01' && row.split === 'train').map((row) => row.id)).toEqual(
      manifest.models[1]!.trained_on,
    );

    // Same seed, same plan; another seed, another plan.
    const again = await invoke<SplitPlanSummary>(backend, 'training.plan', {
      purpose: 'shadow',
      datasetId,
      targetModelId: targetId,
      count: 3,
      seed: 4,
      folderName: 'again',
    });
    expect(fs.readFileSync(again.manifestPath, 'utf8')).toBe(fs.readFileSync(summary.manifestPath, 'utf8'));
    const other = await invoke<SplitPlanSummary>(backend, 'training.plan', {
      purpose: 'shadow',
      datasetId,
      targetModelId: targetId,
      count: 3,
      seed: 5,
      folderName: 'other',
    });
    expect(fs.readFileSync(other.manifestPath, 'utf8')).not.toBe(fs.readFileSync(summary.manifestPath, 'utf8'));
  });

  it('plans reference models on complementary halves of the audit and calibration records, leaving the population out', async () => {
    const { datasetId, targetId } = await kit;
    const summary = await invoke<SplitPlanSummary>(backend, 'training.plan', {
      purpose: 'reference',
      datasetId,
      targetModelId: targetId,
      count: 4,
      folderName: 'reference-plan',
    });
    expect(summary.pool).toEqual({ roles: ['audit', 'calibration'], size: 1200 });
    const manifest = JSON.parse(fs.readFileSync(summary.manifestPath, 'utf8')) as { models: { trained_on: string[] }[] };
    const inCount = new Map<string, number>();
    for (const model of manifest.models) for (const key of model.trained_on) inCount.set(key, (inCount.get(key) ?? 0) + 1);
    expect(inCount.size).toBe(1200);
    expect(new Set(inCount.values())).toEqual(new Set([2]));
    const population = keysByRole('population');
    expect([...inCount.keys()].some((key) => population.has(key))).toBe(false);
  });

  it('refuses plans it cannot honour, naming the field and the limit', async () => {
    const { datasetId, targetId } = await kit;
    const folderName = 'refused';
    expect(
      (await errorOf(backend, 'training.plan', { purpose: 'shadow', datasetId, targetModelId: targetId, trainSize: 1201, folderName }))
        .message,
    ).toMatch(/trainSize 1201.*at most 1200/);
    expect((await errorOf(backend, 'training.plan', { purpose: 'shadow', datasetId: 999, targetModelId: targetId, folderName })).code).toBe(
      'dataset.not-found',
    );
    expect((await errorOf(backend, 'training.plan', { purpose: 'shadow', datasetId, targetModelId: 999, folderName })).code).toBe(
      'model.not-found',
    );
    const unnamed = await errorOf(backend, 'training.plan', { purpose: 'shadow', datasetId, targetModelId: targetId });
    expect(unnamed.code).toBe('training.folder-name-required');
    expect(unnamed.message).toContain(root);
    expect(fs.existsSync(path.join(root, folderName))).toBe(false); // nothing is written for a refused plan
  });

  it('refuses a page-named path (../x, /tmp/x, a/b, an absolute folder) with ipc.invalid-payload and writes nothing', async () => {
    const { datasetId, targetId } = await kit;
    const outside = path.join(makeTempDir('mia-outside-'), 'x');
    const before = fs.readdirSync(root).sort();
    const attempts = [
      { folderName: '../x' },
      { folderName: '/tmp/x' },
      { folderName: outside },
      { folderName: 'a/b' },
      { folderName: 'a\\b' },
      { folderName: '..' },
      { folderName: 'x'.repeat(81) },
      { folder: outside },
    ];
    for (const attempt of attempts) {
      for (const channel of ['training.plan', 'training.start']) {
        const error = await errorOf(backend, channel, { purpose: 'reference', datasetId, targetModelId: targetId, count: 2, ...attempt });
        expect(error.code, JSON.stringify(attempt)).toBe('ipc.invalid-payload');
      }
    }
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(root), 'x'))).toBe(false);
    expect(fs.existsSync('/tmp/x/plan.json')).toBe(false);
    expect(fs.readdirSync(root).sort()).toEqual(before);
  });

  it('refuses a name under the root that is a link to elsewhere, and writes nothing through it', async () => {
    const { datasetId, targetId } = await kit;
    const elsewhere = makeTempDir('mia-elsewhere-');
    fs.symlinkSync(elsewhere, path.join(root, 'linked'));
    const error = await errorOf(backend, 'training.plan', {
      purpose: 'reference',
      datasetId,
      targetModelId: targetId,
      count: 2,
      folderName: 'linked',
    });
    expect(error.code).toBe('training.folder-not-a-folder');
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('in the app, writes into the folder the dialog gave, and writes nothing when it was cancelled', async () => {
    const { datasetId, targetId } = await kit;
    const door = scriptedFrontDoor();
    const app = createTestBackend(dir, 'workspace.sqlite', { frontDoor: door.frontDoor });
    try {
      const chosen = path.join(makeTempDir('mia-chosen-'), 'reference models');
      door.answers.folder = () => chosen;
      // A name the page sends is not where the app writes: only the dialog's answer counts.
      const summary = await invoke<SplitPlanSummary>(app.backend, 'training.plan', {
        purpose: 'reference',
        datasetId,
        targetModelId: targetId,
        count: 2,
        folderName: 'ignored',
      });
      expect(summary.folder).toBe(chosen);
      expect(fs.readdirSync(chosen).sort()).toEqual(['manifest.json', 'plan.json', 'splits.csv']);

      const cancelledInto = path.join(path.dirname(chosen), 'never');
      door.answers.folder = () => null;
      const cancelled = await errorOf(app.backend, 'training.plan', { purpose: 'shadow', datasetId, targetModelId: targetId, count: 2 });
      expect(cancelled).toMatchObject({ code: 'training.folder-not-chosen', message: expect.stringMatching(/nothing was written/) });
      expect(door.folderAsked).toEqual(['reference', 'shadow']);
      expect(fs.existsSync(cancelledInto)).toBe(false);
    } finally {
      app.backend.close();
    }
  });

  it("lets no page plan where the front door cannot ask (the CLI's backend), which takes folders only from its command line", async () => {
    const { datasetId, targetId } = await kit;
    const cli = createTestBackend(dir);
    try {
      expect(
        (await errorOf(cli.backend, 'training.plan', { purpose: 'shadow', datasetId, targetModelId: targetId, folderName: 'cli' })).code,
      ).toBe('training.no-folder-chooser');
      expect(await invoke<TrainingSettings>(cli.backend, 'settings.get')).toMatchObject({ folderChoice: 'none', trainingRoot: null });
      expect(fs.existsSync(path.join(root, 'cli'))).toBe(false);
    } finally {
      cli.backend.close();
    }
  });

  it('refuses a dataset without the pool the purpose needs', async () => {
    const { targetId } = await kit;
    // Four demo images, all audit records: no aux pool for shadows.
    const manifest = path.join(dir, 'audit-only.csv');
    const lines = ['id,path,label,member,role'];
    for (const file of fs.readdirSync(path.join(classifierKit, 'images')).slice(0, 4)) {
      fs.copyFileSync(path.join(classifierKit, 'images', file), path.join(dir, file));
      lines.push(`${path.basename(file, '.png')},${file},1,1,audit`);
    }
    fs.writeFileSync(manifest, `${lines.join('\n')}\n`);
    const dataset = await invoke<{ dataset: { id: number } }>(backend, 'datasets.import', { kind: 'manifest-csv', path: manifest });
    const error = await errorOf(backend, 'training.plan', {
      purpose: 'shadow',
      datasetId: dataset.dataset.id,
      targetModelId: targetId,
      folderName: 'no-aux',
    });
    expect(error.code).toBe('plan.empty-pool');
    expect(error.message).toMatch(/no records with role aux/);
  });
});

describe("the training bridge's Python setting", () => {
  it('stores a working interpreter, refuses one that cannot train, and clears back to searching', async () => {
    const dir = makeTempDir();
    // The person at the app confirms every change here; python-setting.test.ts covers declining and the host.
    const { backend } = createTestBackend(dir, 'workspace.sqlite', {
      frontDoor: scriptedFrontDoor({ python: true, destination: () => null }).frontDoor,
    });
    try {
      expect(await invoke<TrainingSettings>(backend, 'settings.get')).toEqual({
        pythonPath: null,
        pythonChangeable: true,
        folderChoice: 'dialog',
        trainingRoot: null,
      });
      const missing = await errorOf(backend, 'settings.update', { pythonPath: path.join(dir, 'no-such-python') });
      expect(missing.code).toBe('settings.bad-python');
      expect(missing.message).toMatch(/no executable file/);
      const probe = await invoke<PythonProbe>(backend, 'training.python');
      if (probe.found) {
        await invoke(backend, 'settings.update', { pythonPath: probe.path });
        expect(await invoke<TrainingSettings>(backend, 'settings.get')).toEqual({
          pythonPath: probe.path,
          pythonChangeable: true,
          folderChoice: 'dialog',
          trainingRoot: null,
        });
        expect((await invoke<PythonProbe>(backend, 'training.python')).source).toBe('setting');
      } else {
        expect(probe.tried.length).toBeGreaterThan(0);
      }
      await invoke(backend, 'settings.update', { pythonPath: null });
      expect(await invoke<TrainingSettings>(backend, 'settings.get')).toEqual({
        pythonPath: null,
        pythonChangeable: true,
        folderChoice: 'dialog',
        trainingRoot: null,
      });
    } finally {
      backend.close();
    }
  }, 120_000);

  it('refuses to start training without a Python that has PyTorch, and says what was tried', async () => {
    const dir = makeTempDir();
    const fakePython = path.join(dir, 'python3');
    fs.writeFileSync(fakePython, '#!/bin/sh\necho "ModuleNotFoundError: No module named \'torch\'" >&2\nexit 1\n', { mode: 0o755 });
    const saved = process.env.MIA_PYTHON;
    process.env.MIA_PYTHON = fakePython;
    const root = path.join(dir, 'training');
    const { backend } = createTestBackend(dir, 'workspace.sqlite', {
      frontDoor: scriptedFrontDoor(undefined, { trainingRoot: root }).frontDoor,
    });
    try {
      const probe = await invoke<PythonProbe>(backend, 'training.python');
      expect(probe).toMatchObject({
        found: false,
        tried: [{ path: fakePython, problem: 'Python runs but has no PyTorch (import torch failed)' }],
      });
      const error = await errorOf(backend, 'training.start', { purpose: 'shadow', datasetId: 1, targetModelId: 1, folderName: 'never' });
      expect(error.code).toBe('training.no-python');
      expect(error.message).toContain(fakePython);
      expect(fs.existsSync(path.join(root, 'never'))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.MIA_PYTHON;
      else process.env.MIA_PYTHON = saved;
      backend.close();
    }
  });
});
