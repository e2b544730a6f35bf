// The runs store renaming, tagging and annotating a run through runs.describe, against a real backend through the
// in-process bridge: the list shows the stored values, and a refusal lands in the form's error, not the banner's.
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../../src-renderer/api';
import { filterRunRows, sortRunRows, toRunRow } from '../../../../src-renderer/composables/runs-table';
import { useRunsStore } from '../../../../src-renderer/stores/runs';
import { writeTinyKit } from '../../../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../../../helpers/in-process-bridge';
import { makeTempDir } from '../../../helpers/temp-dir';

const dir = makeTempDir('mia-run-identity-');
const { backend, bridge } = createTestBackend(dir);
setActivePinia(createPinia());
useBridge(bridge);
beforeEach(() => useBridge(bridge));

const runIds: number[] = [];

beforeAll(async () => {
  const kit = await writeTinyKit(path.join(dir, 'kit'), 120);
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
  if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
  const datasetId = (dataset.data as { dataset: { id: number } }).dataset.id;
  const targetModelId = (model.data as { id: number }).id;
  const store = useRunsStore();
  for (const seed of [1, 2]) {
    const run = await store.start({ attack: 'loss', targetModelId, datasetId, seed });
    if (!run) throw new Error(`the run did not start: ${store.error?.code} ${store.error?.message}`);
    await backend.idle();
    runIds.push(run.id);
  }
  await store.refresh();
}, 120_000);

afterAll(async () => {
  await backend.idle();
  backend.close();
});

describe('runs store: run identity', () => {
  it('renames, tags and annotates a run; the list and loaded details show what was stored', async () => {
    const store = useRunsStore();
    const [first] = runIds as [number];
    await store.loadDetails(first);
    const run = await store.describe({ runId: first, name: 'baseline loss', tags: ['q3', 'baseline'], note: 'before dedup' });
    expect(store.describeError).toBeNull();
    expect(run).toMatchObject({ id: first, name: 'baseline loss', tags: ['q3', 'baseline'], note: 'before dedup' });
    expect(store.runs.find((r) => r.id === first)).toMatchObject({ name: 'baseline loss', tags: ['q3', 'baseline'] });
    expect(store.details[first]?.run.name).toBe('baseline loss');
    // Stored, not only shown: a fresh list from the backend carries it.
    await store.refresh();
    expect(store.runs.find((r) => r.id === first)?.note).toBe('before dedup');
  });

  it('shows a refusal (duplicate tags) as the form error and keeps the stored values', async () => {
    const store = useRunsStore();
    const [first] = runIds as [number];
    const refused = await store.describe({ runId: first, tags: ['a', 'a'] });
    expect(refused).toBeUndefined();
    expect(store.describeError?.code).toMatch(/invalid|request/);
    expect(store.describeError?.message).toMatch(/distinct/);
    expect(store.error, 'the view banner stays clear').toBeNull();
    expect(store.runs.find((r) => r.id === first)?.tags).toEqual(['q3', 'baseline']);
    // The next save that succeeds clears it.
    await store.describe({ runId: first, note: 'after dedup' });
    expect(store.describeError).toBeNull();
  });

  it('filters rows by name, tag, attack or status and sorts them by a column', () => {
    const store = useRunsStore();
    const [first, second] = runIds as [number, number];
    const sources = { modelNames: new Map<number, string>(), datasetNames: new Map<number, string>(), attackDefaults: new Map() };
    const rows = store.runs.map((run) => toRunRow(run, sources));
    expect(filterRunRows(rows, 'BASELINE').map((r) => r.run.id)).toEqual([first]);
    expect(filterRunRows(rows, 'q3').map((r) => r.run.id)).toEqual([first]);
    expect(
      filterRunRows(rows, 'finished')
        .map((r) => r.run.id)
        .sort(),
    ).toEqual([first, second].sort());
    expect(filterRunRows(rows, 'no such run')).toEqual([]);
    const byName = sortRunRows(rows, { column: 'name', direction: 'ascending' }).map((r) => r.run.name);
    expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b)));
    expect(sortRunRows(rows, { column: 'name', direction: 'descending' }).map((r) => r.run.name)).toEqual([...byName].reverse());
  });

  it('gives every run its AUC and TPR@1 % from the list alone, the same figures as its details, and sorts by them', async () => {
    const store = useRunsStore();
    const [, second] = runIds as [number, number];
    expect(store.details[second], 'the second run was never opened').toBeUndefined();
    const sources = { modelNames: new Map<number, string>(), datasetNames: new Map<number, string>(), attackDefaults: new Map() };
    const rows = store.runs.map((run) => toRunRow(run, sources));
    for (const row of rows) {
      const details = await bridge.runs.details({ runId: row.run.id });
      if (!details.ok) throw new Error(details.error.message);
      const wholeSet = (name: string) => details.data.metrics.find((m) => m.slice === '' && m.name === name)?.value;
      expect(row.auc).toEqual(expect.any(Number));
      expect(row.auc).toBe(wholeSet('auc'));
      expect(row.tprAt1).toBe(wholeSet('tpr@0.01'));
    }
    const aucs = sortRunRows(rows, { column: 'auc', direction: 'descending' }).map((r) => r.auc as number);
    expect(aucs).toEqual([...aucs].sort((a, b) => b - a));
  });

  it('shows only the parameters that differ from the attack defaults, and none before the defaults are known', () => {
    const store = useRunsStore();
    // A loss run has no parameters; give it LiRA-like ones to see which are shown.
    const run = { ...store.runs[0]!, params: { variant: 'offline', fixedVariance: true, nReference: 4 } };
    const row = (attackDefaults: Map<string, Record<string, unknown>>) =>
      toRunRow(run, { modelNames: new Map(), datasetNames: new Map(), attackDefaults });
    expect(row(new Map([[run.attack, { ...run.params }]])).params).toBe('');
    const defaults = { variant: 'online', fixedVariance: true, nReference: 8 };
    expect(row(new Map([[run.attack, defaults]])).params).toBe('variant offline · nReference 4');
    expect(row(new Map()).params).toBe('');
  });
});
