// The evidence bundle from the app's export panel (reports.export with `bundle: true`) through the real backend and
// the renderer's compare store: the front door is asked for a `.tar` destination, the one bundle lands there and
// verifies, signed by this installation; an existing bundle is replaced only when confirmed; in the browser's case
// it is offered as one download from a private folder; and the page still cannot name a path.
import fs from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { useBridge } from '../../src-renderer/api';
import { useCompareStore } from '../../src-renderer/stores/compare';
import { readEvidenceBundle } from '../../src-main/services/evidence/bundle-format';
import type { PreparedFile } from '../../src-main/services/front-door';
import { writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-bundle-channel-');
const door = scriptedFrontDoor();
const { backend, bridge } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: door.frontDoor });
const runIds: number[] = [];

beforeAll(async () => {
  const kit = await writeTinyKit(path.join(dir, 'kit'), 40);
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
  if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
  for (const attack of ['loss', 'confidence']) {
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

describe('the evidence bundle from the export panel', () => {
  it('writes one signed bundle where the save dialog said, and nothing else', async () => {
    const folder = path.join(dir, 'chosen');
    fs.mkdirSync(folder);
    const target = path.join(folder, 'evidence.tar');
    door.answers.destination = () => ({ kind: 'file', pdfPath: target });
    const store = useCompareStore();
    const result = await store.exportReport(runIds, 'Bundle from the app', undefined, true);
    expect(store.error).toBeNull();
    expect(door.exportAsked).toEqual([`mia-report-runs-${runIds.join('-')}.evidence.tar`]);
    expect(result?.delivery).toBe('saved');
    expect(result?.files.map((file) => [file.kind, file.name, file.path])).toEqual([['bundle', 'evidence.tar', target]]);
    expect(fs.readdirSync(folder)).toEqual(['evidence.tar']);
    const bundle = readEvidenceBundle(target);
    expect(bundle.sha256).toBe(result!.files[0]!.sha256);
    expect(bundle.signer.kind).toBe('this-installation');
    expect(bundle.manifest.runIds).toEqual(runIds);
  });

  it('replaces an existing bundle only when the person confirms', async () => {
    const target = path.join(dir, 'chosen', 'evidence.tar');
    door.answers.destination = () => ({ kind: 'file', pdfPath: target });
    const before = fs.readFileSync(target);
    door.answers.overwrite = false;
    expect(await useCompareStore().exportReport([runIds[0]!], undefined, undefined, true)).toEqual({ delivery: 'cancelled', files: [] });
    expect(door.overwriteAsked).toEqual([[target]]);
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    door.answers.overwrite = true;
    expect((await useCompareStore().exportReport([runIds[0]!], undefined, undefined, true))?.delivery).toBe('saved');
    expect(readEvidenceBundle(target).manifest.runIds).toEqual([runIds[0]]);
  });

  it('offers the bundle as one download prepared in a private folder', async () => {
    const offered: { folder: string; files: readonly PreparedFile[] }[] = [];
    door.answers.destination = () => ({
      kind: 'download',
      offer: (folder, files) => {
        offered.push({ folder, files });
        return files.map((_, i) => `/downloads/bundle${i}`);
      },
    });
    const result = await useCompareStore().exportReport(runIds, undefined, undefined, true);
    expect(result?.delivery).toBe('download');
    expect(result?.files.map((file) => [file.kind, file.download, file.path])).toEqual([['bundle', '/downloads/bundle0', null]]);
    expect(offered).toHaveLength(1);
    expect((fs.statSync(offered[0]!.folder).mode & 0o077) === 0).toBe(true);
    expect(readEvidenceBundle(offered[0]!.files[0]!.path).signer.kind).toBe('this-installation');
    fs.rmSync(offered[0]!.folder, { recursive: true, force: true });
  });

  it('refuses a path from the page, and a bundle flag that is not a boolean', async () => {
    for (const request of [
      { runIds, bundle: true, folder: dir },
      { runIds, bundle: 'yes' },
    ]) {
      const result = await backend.router.dispatch('reports.export', request);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('ipc.invalid-payload');
    }
    expect(door.exportAsked).toEqual([]);
  });
});
