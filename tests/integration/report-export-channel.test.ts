// The UI's export (Compare view → reports.export): the same PDF and CSVs as `mia export`, through the real
// backend and the renderer's compare store. The renderer names only runs; where the files go is the front door's
// answer (the app's save dialog, or downloads prepared in a private folder), and a folder from the page is refused.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { formatMetric } from '../../src-shared/presentation/format';
import { useBridge } from '../../src-renderer/api';
import { useCompareStore } from '../../src-renderer/stores/compare';
import { readMetrics } from '../../src-main/workspace/runs-repo';
import { unattendedFrontDoor, type PreparedFile } from '../../src-main/services/front-door';
import { deliverReport } from '../../src-main/services/reports/report-delivery';
import { writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-report-export-');
const door = scriptedFrontDoor();
const { backend, bridge } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: door.frontDoor });
const runIds: number[] = [];
const exportRows = (): number => (backend.db.prepare('SELECT COUNT(*) AS n FROM exports').get() as { n: number }).n;

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

beforeEach(() => {
  door.exportAsked.length = 0;
  door.overwriteAsked.length = 0;
  setActivePinia(createPinia());
  useBridge(bridge);
});

describe('export from the Compare view', () => {
  it('writes the PDF where the save dialog said and the CSVs beside it, and records the export', async () => {
    const folder = path.join(dir, 'chosen');
    fs.mkdirSync(folder);
    door.answers.destination = () => ({ kind: 'file', pdfPath: path.join(folder, 'audit.pdf') });
    const store = useCompareStore();
    const result = await store.exportReport(runIds, '  Quarterly audit  ');
    expect(store.error).toBeNull();
    expect(door.exportAsked).toEqual([`mia-report-runs-${runIds.join('-')}.pdf`]);
    expect(result?.delivery).toBe('saved');
    const names = ['audit.pdf', 'audit.scores.csv', 'audit.scores.metrics.csv'];
    expect(result?.files.map((f) => [f.kind, f.name])).toEqual([
      ['pdf', 'audit.pdf'],
      ['csv', 'audit.scores.csv'],
      ['csv', 'audit.scores.metrics.csv'],
      ...names.map((name) => ['signature', `${name}.sig`]),
    ]);
    expect(fs.readdirSync(folder).sort()).toEqual([...names, ...names.map((name) => `${name}.sig`)].sort());
    expect(door.overwriteAsked).toEqual([]);
    for (const file of result!.files) {
      expect(file.download).toBeNull();
      expect(file.path).toBe(path.join(folder, file.name));
      expect(createHash('sha256').update(fs.readFileSync(file.path!)).digest('hex')).toBe(file.sha256);
    }
    expect(exportRows()).toBe(3);
    if (spawnSync('pdftotext', ['-v']).status === 0) {
      const text = execFileSync('pdftotext', ['-layout', path.join(folder, 'audit.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('Quarterly audit');
      for (const runId of runIds) {
        const auc = readMetrics(backend.db, runId).find((m) => m.name === 'auc' && m.slice === '')!;
        expect(text.split('\n').some((line) => line.includes(`#${runId} `) && line.includes(formatMetric(auc.value)))).toBe(true);
      }
    }
  });

  it('replaces an earlier export only when every existing file of it is confirmed', async () => {
    const folder = path.join(dir, 'chosen');
    const pdf = path.join(folder, 'audit.pdf');
    door.answers.destination = () => ({ kind: 'file', pdfPath: pdf });
    const before = fs.readFileSync(pdf);
    const rows = exportRows();
    door.answers.overwrite = false;
    const declined = await useCompareStore().exportReport([runIds[0]!]);
    expect(declined).toEqual({ delivery: 'cancelled', files: [] });
    expect(door.overwriteAsked).toHaveLength(1);
    expect(door.overwriteAsked[0]!.map((file) => path.basename(file)).sort()).toEqual(fs.readdirSync(folder).sort());
    expect(fs.readFileSync(pdf).equals(before)).toBe(true);
    expect(exportRows()).toBe(rows);

    door.answers.overwrite = true;
    const replaced = await useCompareStore().exportReport([runIds[0]!]);
    expect(replaced?.delivery).toBe('saved');
    expect(fs.readFileSync(pdf).equals(before)).toBe(false);
    expect(exportRows()).toBe(rows + 3);
  });

  it("puts the form's cover on the PDF (title and today's date by default) and refuses a date that is no day", async () => {
    const pdf = path.join(dir, 'cover', 'cover.pdf');
    fs.mkdirSync(path.dirname(pdf));
    door.answers.destination = () => ({ kind: 'file', pdfPath: pdf });
    const store = useCompareStore();
    expect(store.reportCover.title).toBe('Membership inference audit');
    expect(store.reportCover.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    store.reportCover.client = '  Contoso Imaging  ';
    const result = await store.exportReport(runIds, store.reportCover.title, store.reportCover);
    expect(result?.delivery, String(store.error?.message)).toBe('saved');
    const cover = execFileSync('pdftotext', ['-l', '1', '-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(cover).toContain('Membership inference audit');
    expect(cover).toContain('Client Contoso Imaging');
    expect(cover).toContain(`Date ${store.reportCover.date}`);
    expect(cover).not.toContain('Auditor');
    for (const cover of [{ date: '2026-02-30' }, { date: '30.03.2026' }, { client: 'two\nlines' }, { auditor: 'x'.repeat(201) }]) {
      expect(await backend.router.dispatch('reports.export', { runIds, cover })).toMatchObject({
        ok: false,
        error: { code: 'ipc.invalid-payload' },
      });
    }
  });

  it('writes nothing when the save dialog is cancelled', async () => {
    door.answers.destination = () => null;
    const before = exportRows();
    const result = await useCompareStore().exportReport(runIds);
    expect(result).toEqual({ delivery: 'cancelled', files: [] });
    expect(door.exportAsked).toHaveLength(1);
    expect(exportRows()).toBe(before);
  });

  it('prepares downloads in a private folder that the offer then owns', async () => {
    const offered: { folder: string; files: PreparedFile[] }[] = [];
    door.answers.destination = () => ({
      kind: 'download',
      offer: (folder, files) => {
        offered.push({ folder, files: [...files] });
        return files.map((_, index) => `/downloads/test${index}`);
      },
    });
    const result = await useCompareStore().exportReport([runIds[0]!]);
    expect(result?.delivery).toBe('download');
    const base = `mia-report-run-${runIds[0]}`;
    const names = [`${base}.pdf`, `${base}.scores.csv`, `${base}.scores.metrics.csv`];
    expect(result?.files.map((f) => [f.name, f.path, f.download])).toEqual(
      [...names, ...names.map((name) => `${name}.sig`)].map((name, index) => [name, null, `/downloads/test${index}`]),
    );
    expect(offered).toHaveLength(1);
    const { folder, files } = offered[0]!;
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(folder).sort()).toEqual(files.map((f) => f.name).sort());
    for (const file of files) expect(path.dirname(file.path)).toBe(folder);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('refuses a folder or path from the page at the boundary, before anyone is asked', async () => {
    door.answers.destination = () => ({ kind: 'file', pdfPath: path.join(dir, 'never.pdf') });
    const before = exportRows();
    for (const request of [
      { runIds, folder: path.join(dir, 'chosen') },
      { runIds, pdf: path.join(dir, 'evil.pdf') },
      { runIds, csv: path.join(dir, 'evil.csv') },
    ]) {
      expect(await backend.router.dispatch('reports.export', request)).toMatchObject({ ok: false, error: { code: 'ipc.invalid-payload' } });
    }
    expect(door.exportAsked).toEqual([]);
    expect(exportRows()).toBe(before);
    expect(fs.existsSync(path.join(dir, 'never.pdf'))).toBe(false);
  });

  it('refuses an unknown run before a save dialog would open', async () => {
    door.answers.destination = () => ({ kind: 'file', pdfPath: path.join(dir, 'never.pdf') });
    const store = useCompareStore();
    expect(await store.exportReport([...runIds, 9999])).toBeUndefined();
    expect(store.error?.code).toBe('run.not-found');
    expect(door.exportAsked).toEqual([]);
  });

  it('cannot export where no front door can ask (the CLI writes with --pdf and --csv instead)', async () => {
    const before = exportRows();
    await expect(deliverReport(backend.db, unattendedFrontDoor, { runIds })).rejects.toMatchObject({ code: 'export.no-destination' });
    expect(exportRows()).toBe(before);
  });
});
