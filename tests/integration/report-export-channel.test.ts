// The UI's export (Compare view → reports.export): the same PDF and CSVs as `mia export`, through the real
// backend and the renderer's compare store.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-preload/contract';
import { formatMetric } from '../../src-preload/presentation/format';
import { useBridge } from '../../src-renderer/api';
import { useCompareStore } from '../../src-renderer/stores/compare';
import { readMetrics } from '../../src-main/workspace/runs-repo';
import { writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-report-export-');
const { backend, bridge } = createTestBackend(dir);
const runIds: number[] = [];

beforeAll(async () => {
  const kit = await writeTinyKit(path.join(dir, 'kit'), 40);
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
  if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
  for (const attack of ['loss', 'entropy']) {
    const run = await backend.router.dispatch('runs.start', {
      attack,
      targetModelId: (model.data as { id: number }).id,
      datasetId: (dataset.data as { dataset: { id: number } }).dataset.id,
      seed: 1,
    });
    if (!run.ok) throw new Error(run.error.message);
    runIds.push((run.data as RunSummary).id);
  }
  await backend.idle();
}, 120_000);

afterAll(async () => {
  await backend.idle();
  backend.close();
});

describe('export from the Compare view', () => {
  it('writes report.pdf and the CSVs into the chosen folder and records the export', async () => {
    setActivePinia(createPinia());
    useBridge(bridge);
    const folder = path.join(dir, 'out');
    fs.mkdirSync(folder);
    const store = useCompareStore();
    const result = await store.exportReport(runIds, folder);
    expect(store.error).toBeNull();
    expect(result?.files.map((f) => path.basename(f.path)).sort()).toEqual(['report.pdf', 'scores.csv', 'scores.metrics.csv']);
    expect((backend.db.prepare('SELECT COUNT(*) AS n FROM exports').get() as { n: number }).n).toBe(3);
    if (spawnSync('pdftotext', ['-v']).status === 0) {
      const text = execFileSync('pdftotext', ['-layout', path.join(folder, 'report.pdf'), '-'], { encoding: 'utf8' });
      for (const runId of runIds) {
        const auc = readMetrics(backend.db, runId).find((m) => m.name === 'auc' && m.slice === '')!;
        expect(text.split('\n').some((line) => line.includes(`#${runId} `) && line.includes(formatMetric(auc.value)))).toBe(true);
      }
    }
  });

  it('refuses a relative folder at the boundary and a folder that does not exist, writing nothing', async () => {
    const relative = await backend.router.dispatch('reports.export', { runIds, folder: 'reports' });
    expect(relative).toMatchObject({ ok: false, error: { code: 'ipc.invalid-payload' } });
    const missing = await backend.router.dispatch('reports.export', { runIds, folder: path.join(dir, 'no-such-folder') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'export.no-folder' } });
    expect(fs.existsSync(path.join(dir, 'no-such-folder'))).toBe(false);
  });
});
