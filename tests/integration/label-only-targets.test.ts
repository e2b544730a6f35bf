// Label-only targets end to end through the engine host (real ONNX Runtime): the demo target with an ArgMax appended,
// which exposes no probabilities at all, is imported as label-only by nature; both label-only attacks run on it with
// the estimate shown before Start equal to the progress total and the stored model calls; probability attacks are
// refused before Start; and the same target marked label-only at import gives the very same scores.
// Needs `npm run build` (the engine host runs from out/).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../src-shared/contract/contract';
import { AuditConfig } from '../../src-main/services/audit-config';
import { runAudit } from '../../src-main/services/audit-service';
import { runHeadline } from '../../src-main/services/run-headline';
import { readMetrics, readRunLog, readScores } from '../../src-main/workspace/runs-repo';
import { contractCalls } from '../helpers/contract-calls';
import { classifierKit } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-label-only-');
const { backend } = createTestBackend(dir);
const { call, refusal } = contractCalls(backend);
let datasetId: number;
let labelsModelId: number;

/** The demo's first 12 members and 12 non-members (audit role), copied with their images. */
async function smallDataset(): Promise<number> {
  const [header, ...rows] = fs.readFileSync(path.join(classifierKit, 'manifest.csv'), 'utf8').trim().split('\n');
  const audit = rows.filter((row) => row.endsWith(',audit'));
  const member = (row: string) => row.split(',').at(-2);
  const chosen = [...audit.filter((row) => member(row) === '1').slice(0, 12), ...audit.filter((row) => member(row) === '0').slice(0, 12)];
  const copy = path.join(dir, 'records');
  fs.mkdirSync(path.join(copy, 'images'), { recursive: true });
  for (const row of chosen) {
    const image = row.split(',')[1]!;
    fs.copyFileSync(path.join(classifierKit, image), path.join(copy, image));
  }
  fs.writeFileSync(path.join(copy, 'manifest.csv'), `${[header, ...chosen].join('\n')}\n`);
  return (await call('datasets.import', { kind: 'manifest-csv', path: path.join(copy, 'manifest.csv'), name: 'label-only (24 records)' }))
    .dataset.id;
}

beforeAll(async () => {
  datasetId = await smallDataset();
  labelsModelId = (await call('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target_labels.onnx') })).id;
}, 120_000);
afterAll(async () => {
  await backend.idle();
  backend.close();
});

const augmentation = { attack: 'label-only-augmentation', params: { augmentations: 6 } };
const boundary = { attack: 'label-only-boundary', params: { queryBudget: 40, gradientQueries: 6 } };

describe('a label-only target', () => {
  it('is imported as label-only when its output is the class index, and says so in the list and its details', async () => {
    const listed = (await call('models.list', {})).find((model) => model.id === labelsModelId);
    expect(listed?.labelOnly).toBe(true);
    const details = await call('models.details', { modelId: labelsModelId });
    expect(details.config['labelOnly']).toBe(true);
    expect(details.io['model']?.outputs[0]).toMatchObject({ name: 'label', dtype: 'int64' });
  });

  it('runs both label-only attacks end to end, the estimate equal to the progress total and the stored calls', async () => {
    for (const { attack, params } of [augmentation, boundary]) {
      const request = { attack, params, targetModelId: labelsModelId, datasetId, seed: 3 };
      const estimate = await call('runs.estimate', request);
      const progress: RunProgress[] = [];
      const run = await runToEnd(backend, request, progress);
      expect(run.status, `${attack}: ${run.error?.message ?? ''}`).toBe('finished');
      expect(run.modelCalls).toBe(estimate.modelCalls);
      const counted = progress.filter((event) => event.unit === 'model calls');
      expect(counted.at(-1)).toMatchObject({ done: estimate.modelCalls, total: estimate.modelCalls });
      const scores = readScores(backend.db, run.id);
      expect(scores.scores.length).toBe(24);
      expect(new Set(Array.from(scores.scores)).size).toBeGreaterThan(1);
      if (attack === 'label-only-boundary') {
        // The queries actually spent per record: an extra metric and a note in the run log.
        expect(readMetrics(backend.db, run.id).find((m) => m.name === 'label queries per record')?.value).toBe(35);
        expect(readRunLog(backend.db, run.id).map((line) => line.message)).toEqual(
          expect.arrayContaining([expect.stringContaining('35 label queries per record of a budget of 40')]),
        );
      }
    }
    // 6 copies per record; the boundary search's schedule for a budget of 40 with 6 probes is 17 + 1 × (6 + 4 + 8) = 35 queries.
    expect((await call('runs.estimate', { ...augmentation, targetModelId: labelsModelId, datasetId, seed: 3 })).modelCalls).toBe(24 * 6);
    expect((await call('runs.estimate', { ...boundary, targetModelId: labelsModelId, datasetId, seed: 3 })).modelCalls).toBe(24 * 35);
  }, 120_000);

  it('refuses attacks that need probabilities before Start, naming the attack and why', async () => {
    const before = (await call('runs.list', {})).length;
    for (const attack of ['loss', 'confidence', 'entropy', 'modified-entropy']) {
      const refused = await backend.router.dispatch('runs.start', { attack, targetModelId: labelsModelId, datasetId, seed: 1, params: {} });
      expect(refused.ok).toBe(false);
      if (refused.ok) continue;
      expect(refused.error.code).toBe('run.target-access');
      expect(refused.error.message).toMatch(/probabilities or logits/);
      expect(refused.error.message).toContain('label-only');
    }
    expect(await refusal('runs.start', { attack: 'loss', targetModelId: labelsModelId, datasetId, seed: 1, params: {} })).toBe(
      'run.target-access',
    );
    expect((await call('runs.list', {})).length).toBe(before);
  });

  it('marked label-only at import, the logits model refuses the loss attack and gives the ArgMax model’s very scores', async () => {
    const marked = await call('models.import', {
      kind: 'classifier',
      modelPath: path.join(classifierKit, 'target.onnx'),
      name: 'Demo target as a label API',
      config: { labelOnly: true },
    });
    expect(marked.labelOnly).toBe(true);
    expect(await refusal('runs.start', { attack: 'loss', targetModelId: marked.id, datasetId, seed: 1, params: {} })).toBe(
      'run.target-access',
    );
    const onLabels = await runToEnd(backend, { ...augmentation, targetModelId: labelsModelId, datasetId, seed: 5 });
    const onMarked = await runToEnd(backend, { ...augmentation, targetModelId: marked.id, datasetId, seed: 5 });
    expect(onMarked.status).toBe('finished');
    expect(Array.from(readScores(backend.db, onMarked.id).scores)).toEqual(Array.from(readScores(backend.db, onLabels.id).scores));
  }, 120_000);

  it('an audit config with target.labelOnly imports the target marked, and mia audit --json says the target was label-only', async () => {
    const audit = (labelOnly: boolean | undefined) =>
      AuditConfig.parse({
        dataset: { path: path.join(dir, 'records', 'manifest.csv') },
        target: { kind: 'classifier', model: path.join(classifierKit, 'target.onnx'), ...(labelOnly === undefined ? {} : { labelOnly }) },
        runs: [{ attack: 'label-only-augmentation', seed: 1, params: { augmentations: 2 } }],
      });
    const [marked] = await runAudit(backend, audit(true), dir);
    const [plain] = await runAudit(backend, audit(undefined), dir);
    expect(marked!.status).toBe('finished');
    expect(runHeadline(backend.db, marked!).target.label_only).toBe(true);
    // The same file unmarked is another target: not the marked one reused, and not label-only.
    expect(plain!.targetModelId).not.toBe(marked!.targetModelId);
    expect(runHeadline(backend.db, plain!).target).not.toHaveProperty('label_only');
    // Run details say it too (New run and Runs show "treated as label-only" from here).
    expect((await call('runs.details', { runId: marked!.id })).targetLabelOnly).toBe(true);
    expect((await call('runs.details', { runId: plain!.id })).targetLabelOnly).toBeUndefined();
  }, 120_000);
});
