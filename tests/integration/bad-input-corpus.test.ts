// Walks the bad-input corpus through the front door (the contract router, as the app and the headless host call
// it; audit configs through the CLI's reader): every case must give its clear error, naming the file or field, and
// leave every row of every table of a populated workspace exactly as it was.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { readAuditConfig } from '../../src-main/services/audit-config';
import { MiaError } from '../../src-main/common/errors';
import type { Backend } from '../../src-main/services/backend';
import { buildBadCorpus, writeNanClassifier, type BadCase } from '../fixtures/bad/build-bad-corpus';
import { writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { dumpWorkspace, integrityReport, withoutTables } from '../fixtures/bad/workspace-dump';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-bad-corpus-');
const corpusRoot = path.join(dir, 'corpus');
let backend: Backend;
let cases: BadCase[] = [];
let datasetId: number;

beforeAll(async () => {
  cases = await buildBadCorpus(corpusRoot);
  backend = createTestBackend(dir).backend;
  // A workspace with content (a dataset, a model, a finished run), so "unchanged" means something.
  const kit = await writeTinyKit(path.join(dir, 'kit'), 24);
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
  if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
  datasetId = (dataset.data as { dataset: { id: number } }).dataset.id;
  const run = await backend.router.dispatch('runs.start', {
    attack: 'loss',
    targetModelId: (model.data as { id: number }).id,
    datasetId,
    seed: 1,
  });
  if (!run.ok) throw new Error(run.error.message);
  await backend.idle();
}, 120_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

/** Makes the case's call and returns the error it gave as { code, message }, or null when it succeeded. */
async function attempt(bad: BadCase): Promise<{ code: string; message: string } | null> {
  if (bad.kind === 'config') {
    try {
      readAuditConfig(bad.file);
      return null;
    } catch (error) {
      if (!(error instanceof MiaError)) throw error;
      return { code: error.code, message: error.message };
    }
  }
  const result = await backend.router.dispatch(bad.kind === 'dataset' ? 'datasets.import' : 'models.import', bad.request);
  return result.ok ? null : result.error;
}

describe('the bad-input corpus', () => {
  it('holds every kind of broken input the brief names', () => {
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'zero-byte image',
        'truncated image',
        'image claiming 100,000 × 100,000 pixels',
        'non-ONNX file named .onnx',
        'ONNX model with the wrong input rank',
        'manifest with an unknown column',
        'labels mixing integers and class names',
        'duplicate ids',
        'path climbing out with ..',
        'absolute path',
        'symbolic link leaving the dataset root',
        '10 MB caption',
        'CSV that is not UTF-8',
        'audit config with a seed that is not a number',
        'PNG with a broken chunk CRC',
        'deflate bomb behind a 28 × 28 header',
        'sparse 1 GiB file named .png',
        'a system file imported as a manifest (/etc/passwd)',
        'ImageFolder class folder that is a link to a folder outside the root',
      ]),
    );
  });

  it('refuses every case with its code and a message naming the file or field, leaving the workspace unchanged', async () => {
    const problems: string[] = [];
    for (const bad of cases) {
      const before = dumpWorkspace(backend.db);
      const error = await attempt(bad);
      const after = dumpWorkspace(backend.db);
      if (error === null) {
        problems.push(`${bad.name}: was accepted`);
        continue;
      }
      if (error.code !== bad.code) problems.push(`${bad.name}: code ${error.code}, expected ${bad.code} (${error.message.slice(0, 200)})`);
      for (const part of bad.mentions) {
        const found = typeof part === 'string' ? error.message.includes(part) : part.test(error.message);
        if (!found) problems.push(`${bad.name}: the message does not name ${String(part)}: ${error.message.slice(0, 300)}`);
      }
      for (const secret of bad.kind === 'dataset' ? (bad.withholds ?? []) : []) {
        if (JSON.stringify(error).includes(secret))
          problems.push(`${bad.name}: the error gives away "${secret}": ${JSON.stringify(error).slice(0, 300)}`);
      }
      if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`${bad.name}: the workspace changed`);
    }
    expect(problems).toEqual([]);
    expect(integrityReport(backend.db)).toBe('ok');
  });

  it('refuses the 100,000 × 100,000 image from its header, without allocating its pixels', async () => {
    const bad = cases.find((c) => c.name === 'image claiming 100,000 × 100,000 pixels')!;
    const rssBefore = process.memoryUsage().rss;
    expect(await attempt(bad)).toMatchObject({ code: 'dataset.image-too-large' });
    // 10^10 grey pixels would be 10 GB; a header check costs nothing measurable.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it('imports a model that outputs NaN, but fails a run on it cleanly and changes nothing else', async () => {
    const imported = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: writeNanClassifier(corpusRoot) });
    expect(imported.ok).toBe(true);
    const before = dumpWorkspace(backend.db);
    const started = await backend.router.dispatch('runs.start', {
      attack: 'loss',
      targetModelId: (imported as { ok: true; data: { id: number } }).data.id,
      datasetId,
      seed: 2,
    });
    expect(started.ok).toBe(true);
    await backend.idle();
    const runId = (started as { ok: true; data: RunSummary }).data.id;
    const run = await backend.router.dispatch('runs.get', { runId });
    expect(run).toMatchObject({
      ok: true,
      data: { status: 'failed', error: { code: 'attack.non-finite-score', message: expect.stringMatching(/NaN/) } },
    });
    // Only the run's own row and log were added: no scores, metrics or checks, nothing else touched.
    const after = dumpWorkspace(backend.db);
    expect(withoutTables(after, 'runs', 'run_log')).toEqual(withoutTables(before, 'runs', 'run_log'));
    expect(after.runs!.filter((row) => !before.runs!.includes(row))).toHaveLength(1);
    for (const table of ['scores', 'metrics', 'checks']) {
      expect(backend.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(runId), table).toEqual({ n: 0 });
    }
    expect(integrityReport(backend.db)).toBe('ok');
  });
});
