// Quantile-regression MIA end to end: the demo kit in a real workspace, a run started through the contract router,
// its regressor trained by the PyTorch recipe (the Python the training bridge finds) in a real engine host process,
// scored with ONNX Runtime, and the results read back; and the refusal before Start when there is no such Python.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEstimate, RunSummary } from '../../src-shared/contract/contract';
import { sha256OfFile } from '../../src-main/common/file-sha256';
import { getSetting, setSetting, settingKeys } from '../../src-main/workspace/settings-repo';
import { readChecks, readMetrics, readRunLog } from '../../src-main/workspace/runs-repo';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { importClassifierKit, type ImportedClassifierKit } from '../helpers/demo-kit';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
const { backend } = createTestBackend(dir);
let kit: ImportedClassifierKit;

beforeAll(async () => {
  kit = await importClassifierKit(backend.db);
}, 180_000);
afterAll(async () => {
  await backend.idle();
  backend.close();
});

const metric = (runId: number, name: string) => readMetrics(backend.db, runId).find((m) => m.name === name && m.slice === '')?.value;

describe('qmia on the demo classifier', () => {
  it('trains a quantile regressor with PyTorch, beats chance on the leaky target, is at chance on the null model and holds α at zero', async () => {
    const request = { attack: 'qmia', targetModelId: kit.targetId, datasetId: kit.datasetId, seed: 1, nullModelId: kit.nullId, params: {} };
    const estimate = await backend.router.dispatch('runs.estimate', request);
    const run = await runToEnd(backend, request);
    expect(run.status, run.error?.message).toBe('finished');
    // Target calls: 1000 population records for the regressor's training scores, 1200 scored records; the same again
    // on the null model. The regressor's forward passes are not queries of the audited model.
    expect(estimate.ok && (estimate.data as RunEstimate).modelCalls).toBe(2 * (1000 + 1200));
    expect(run.modelCalls).toBe(1000 + 1200);

    expect(metric(run.id, 'auc')!).toBeGreaterThan(0.55);
    const nullCheck = readChecks(backend.db, run.id).find((c) => c.kind === 'null-model')!;
    expect(Math.abs(nullCheck.value! - 0.5)).toBeLessThan(0.05);

    // The zero threshold's FPR on the 500 audited non-members lies in the binomial 95 % interval around α.
    const alpha = metric(run.id, 'qmia_alpha')!;
    const fpr = metric(run.id, 'qmia_fpr_at_zero')!;
    const [low, high] = [metric(run.id, 'qmia_fpr_ci_low')!, metric(run.id, 'qmia_fpr_ci_high')!];
    expect(alpha).toBe(0.05);
    expect(low).toBeLessThanOrEqual(fpr);
    expect(high).toBeGreaterThanOrEqual(fpr);
    expect(alpha).toBeGreaterThanOrEqual(low);
    expect(alpha).toBeLessThanOrEqual(high);
    expect(metric(run.id, 'qmia_fpr_consistent')).toBe(1);
    // Precision and recall are stated at the attack's own threshold, zero.
    expect(metric(run.id, 'operating_threshold')).toBe(0);
    expect(metric(run.id, 'recall')!).toBeGreaterThan(fpr);

    // The regressor is kept in the run's folder of the workspace, named with its hash in the run's notes.
    const notes = readRunLog(backend.db, run.id).map((entry) => entry.message);
    const kept = notes.map((note) => /kept with the run: (.+\.onnx) \(SHA-256 ([0-9a-f]{64})\)/.exec(note)).find((m) => m !== null);
    expect(kept, notes.join('\n')).toBeDefined();
    expect(path.dirname(kept![1]!)).toBe(path.join(dir, 'run-files', String(run.id)));
    expect(await sha256OfFile(kept![1]!)).toBe(kept![2]);
    expect(fs.existsSync(kept![1]!.replace(/\.onnx$/, '.job.json'))).toBe(true);
    // Trained again on the null model's scores for the null-model check: a second regressor beside the first.
    expect(fs.readdirSync(path.dirname(kept![1]!)).filter((name) => name.endsWith('.onnx'))).toHaveLength(2);
  }, 300_000);

  it('refuses a qmia run before Start when no Python with PyTorch is found, and creates no run', async () => {
    const before = getSetting(backend.db, settingKeys.pythonPath);
    const runsBefore = await backend.router.dispatch('runs.list', {});
    setSetting(backend.db, settingKeys.pythonPath, path.join(dir, 'no-such-python'));
    try {
      const started = await backend.router.dispatch('runs.start', {
        attack: 'qmia',
        targetModelId: kit.targetId,
        datasetId: kit.datasetId,
        seed: 1,
        params: {},
      });
      expect(started.ok).toBe(false);
      expect(!started.ok && started.error.code).toBe('run.no-python');
      expect(!started.ok && started.error.message).toContain('no Python with PyTorch was found');
      const runsAfter = await backend.router.dispatch('runs.list', {});
      expect(runsAfter.ok && (runsAfter.data as RunSummary[]).length).toBe(runsBefore.ok && (runsBefore.data as RunSummary[]).length);
    } finally {
      setSetting(backend.db, settingKeys.pythonPath, before);
    }
  }, 60_000);
});
