// Diffusion attacks end to end: the demo UNet and its 512 audit records imported into a real workspace, runs started
// through the contract router and executed by a real engine host (the built bundle: run `npx electron-vite build`
// first). Deterministic PIA and SecMI scores are compared record by record with the PyTorch reference; the noisy
// attacks run with fewer repeats than their defaults to keep this file to about a minute on two shared cores (the
// demo UNet makes ~170–300 ε evaluations per second; ReDiffuse's default n = 10 would cost 10,240 calls alone).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunProgress, RunSummary } from '../../src-shared/contract/contract';
import { getRecordsByIds } from '../../src-main/workspace/records-repo';
import { readMetrics, readScores } from '../../src-main/workspace/runs-repo';
import { diffusionKit, importDiffusionKit, type ImportedDiffusionKit } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { expectStoredMetricsMatchScores } from '../helpers/stored-run-metrics';
import { makeTempDir } from '../helpers/temp-dir';
import { buildOnnxModel } from '../unit/models/helpers/onnx-builder';

interface ScoresGolden {
  ids: string[];
  scores: Record<'rediffuse' | 'pia' | 'secmi' | 'loss', number[]>;
  metrics: Record<'rediffuse' | 'pia' | 'secmi' | 'loss', { auc: number; 'tpr_at_1%_fpr': number | null }>;
}

const dir = makeTempDir();
const { backend } = createTestBackend(dir);
let kit: ImportedDiffusionKit;
let golden: ScoresGolden;

beforeAll(async () => {
  kit = await importDiffusionKit(backend.db);
  golden = JSON.parse(fs.readFileSync(path.join(diffusionKit, 'goldens', 'scores.json'), 'utf8')) as ScoresGolden;
}, 180_000);
afterAll(() => backend.close());

const metric = (runId: number, name: string) => readMetrics(backend.db, runId).find((m) => m.name === name && m.slice === '');

/** The run's scores keyed by the manifest's record ids. */
function scoresByKey(runId: number): Map<string, number> {
  const { recordIds, scores } = readScores(backend.db, runId);
  const records = getRecordsByIds(backend.db, Array.from(recordIds));
  return new Map(records.map((record, i) => [record.key, scores[i]!]));
}

function expectFinishedWithMetrics(run: RunSummary, callsPerRecord: number): void {
  expect(run.status).toBe('finished');
  expect(run.modelCalls).toBe(512 * callsPerRecord);
  expectStoredMetricsMatchScores(backend.db, run.id, [0.01]);
  expect(metric(run.id, 'model_calls_per_record')!.value).toBe(callsPerRecord);
}

describe('diffusion attacks on the demo kit', () => {
  it('PIA matches the PyTorch scores of all 512 records to 1e-4 and stores AUC and TPR@1%FPR', async () => {
    const run = await runToEnd(backend, { attack: 'pia', targetModelId: kit.targetId, datasetId: kit.datasetId, seed: 1 });
    expectFinishedWithMetrics(run, 2);
    const ours = scoresByKey(run.id);
    golden.ids.forEach((id, i) =>
      expect(Math.abs(ours.get(id)! - golden.scores.pia[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(golden.scores.pia[i]!))),
    );
    expect(metric(run.id, 'auc')!.value).toBeCloseTo(golden.metrics.pia.auc, 3);
    expect(metric(run.id, 'tpr@0.01')!.value).toBeCloseTo(golden.metrics.pia['tpr_at_1%_fpr']!, 3);
  }, 120_000);

  it('ReDiffuse (n = 2) reports progress in model calls and separates members (AUC > 0.7; 0.85 measured, 0.90 with n = 10)', async () => {
    const progress: RunProgress[] = [];
    const run = await runToEnd(
      backend,
      { attack: 'rediffuse', targetModelId: kit.targetId, datasetId: kit.datasetId, seed: 2, params: { repeats: 2 } },
      progress,
    );
    expectFinishedWithMetrics(run, 4);
    expect(metric(run.id, 'auc')!.value!).toBeGreaterThan(0.7);
    const calls = progress.filter((p) => p.runId === run.id && p.unit === 'model calls');
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.at(-1)).toMatchObject({ done: 2048, total: 2048 });
    expect(calls.some((p) => p.ratePerSecond !== null && p.etaSeconds !== null)).toBe(true);
  }, 180_000);

  it('SecMI with stride 50 (4 calls per record), PIAN and the diffusion loss (n = 1) finish with metrics', async () => {
    const secmi = await runToEnd(backend, {
      attack: 'secmi',
      targetModelId: kit.targetId,
      datasetId: kit.datasetId,
      seed: 3,
      params: { stride: 50 },
    });
    expectFinishedWithMetrics(secmi, 4);
    expect(metric(secmi.id, 'auc')!.value!).toBeGreaterThan(0.55); // 0.64 measured (0.67 with the default stride 10)
    const pian = await runToEnd(backend, { attack: 'pian', targetModelId: kit.targetId, datasetId: kit.datasetId, seed: 3 });
    expectFinishedWithMetrics(pian, 2);
    expect(metric(pian.id, 'auc')!.value!).toBeGreaterThan(0.55); // 0.67 measured
    const loss = await runToEnd(backend, {
      attack: 'diffusion-loss',
      targetModelId: kit.targetId,
      datasetId: kit.datasetId,
      seed: 3,
      params: { repeats: 1 },
    });
    expectFinishedWithMetrics(loss, 1);
    expect(metric(loss.id, 'auc')!.value!).toBeGreaterThan(0.7); // 0.89 measured (0.92 with n = 4)
  }, 240_000);

  it('fails the run with run.invalid-params when t lies beyond the model schedule', async () => {
    const run = await runToEnd(backend, { attack: 'pia', targetModelId: kit.targetId, datasetId: kit.datasetId, params: { t: 5000 } });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('run.invalid-params');
  }, 60_000);

  it('fails a run on a model imported with a VAE encoder but no decoder with model.incomplete-latent', async () => {
    // The import accepts the half VAE; the engine's diffusion runtime refuses it rather than running the denoiser on
    // pixels and ignoring the encoder.
    const encoder = path.join(dir, 'half-vae', 'encoder.onnx');
    fs.mkdirSync(path.dirname(encoder), { recursive: true });
    fs.writeFileSync(
      encoder,
      buildOnnxModel({
        inputs: [{ name: 'x', type: 'float32', shape: ['batch', 1, 16, 16] }],
        outputs: [{ name: 'y', type: 'float32', shape: ['batch', 1, 16, 16] }],
        initializers: [{ name: 'k', type: 'float32', dims: [], values: [0.5] }],
        nodes: [{ op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }],
      }),
    );
    const imported = await backend.router.dispatch('models.import', {
      kind: 'diffusion',
      modelPath: path.join(diffusionKit, 'unet.onnx'),
      vaeEncoderPath: encoder,
      name: 'half VAE',
    });
    if (!imported.ok) throw new Error(`${imported.error.code}: ${imported.error.message}`);
    const run = await runToEnd(backend, {
      attack: 'pia',
      targetModelId: (imported.data as { id: number }).id,
      datasetId: kit.datasetId,
      seed: 1,
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'model.incomplete-latent', message: expect.stringContaining('VAE decoder') });
    expect(run.modelCalls).toBe(0);
  }, 60_000);
});
