// Runs have an identity: a generated name that tells two LiRA variants apart, which the auditor can change along
// with tags and a note (runs.describe), on finished runs too, within the contract's limits; the metrics, scores and
// configuration of the run are untouched by it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary, RunSummary } from '../../src-shared/contract/contract';
import { differingParams } from '../../src-shared/presentation/run-name';
import { readMetrics } from '../../src-main/workspace/runs-repo';
import { classifierKit } from '../helpers/demo-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { contractCalls } from '../helpers/contract-calls';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
const { backend } = createTestBackend(dir, 'workspace.sqlite');
afterAll(() => backend.close());

const { call, refusal } = contractCalls(backend);

let target: ModelSummary;
let online: RunSummary;
let offline: RunSummary;

beforeAll(async () => {
  const datasetId = (
    await call('datasets.import', { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv'), name: 'demo records' })
  ).dataset.id;
  target = await call('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') });
  const referenceSetId = (
    await call('models.importSet', { purpose: 'reference', manifestPath: path.join(classifierKit, 'reference', 'manifest.json') })
  ).set.id;
  const lira = { attack: 'lira', targetModelId: target.id, datasetId, referenceSetId, seed: 5 };
  online = await call('runs.start', { ...lira, params: {} });
  offline = await call('runs.start', { ...lira, params: { variant: 'offline' } });
  await backend.idle();
}, 240_000);

describe('run identity', () => {
  it('names each run from its attack, target, dataset and the parameters that differ from the defaults', async () => {
    const references = (await call('models.sets')).find((set) => set.purpose === 'reference')!.modelCount;
    expect(online.name).toBe(`lira · ${target.name} · demo records · ${references} refs`);
    expect(offline.name).toBe(`lira · ${target.name} · demo records · variant offline · ${references} refs`);
    const listed = await call('runs.list');
    expect(listed.find((r) => r.id === offline.id)!.params).toMatchObject({ variant: 'offline', fixedVariance: true });
    expect(differingParams(listed.filter((r) => r.id === online.id || r.id === offline.id))).toEqual([
      { name: 'variant', values: ['offline', 'online'] },
    ]);
  });

  it('renames, tags and annotates a finished run without touching its results', async () => {
    expect((await call('runs.get', { runId: offline.id })).status).toBe('finished');
    const metricsBefore = readMetrics(backend.db, offline.id);
    const renamed = await call('runs.describe', { runId: offline.id, name: '  LiRA offline, leaky target ', tags: ['leaky', 'q3'] });
    expect(renamed).toMatchObject({ name: 'LiRA offline, leaky target', tags: ['leaky', 'q3'], note: '', status: 'finished' });
    const noted = await call('runs.describe', { runId: offline.id, note: 'Handed to the model owner.\nSee ticket 12.' });
    expect(noted).toMatchObject({
      name: 'LiRA offline, leaky target',
      tags: ['leaky', 'q3'],
      note: 'Handed to the model owner.\nSee ticket 12.',
    });
    expect((await call('runs.list')).find((r) => r.id === offline.id)!.tags).toEqual(['leaky', 'q3']);
    expect(readMetrics(backend.db, offline.id)).toEqual(metricsBefore);
  });

  it('refuses descriptions outside the limits with ipc.invalid-payload, and unknown runs with run.not-found', async () => {
    const runId = online.id;
    for (const bad of [
      { runId },
      { runId, name: '' },
      { runId, name: '   ' },
      { runId, name: 'x'.repeat(201) },
      { runId, name: 'two\nlines' },
      { runId, tags: ['a', 'a'] },
      { runId, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { runId, tags: ['y'.repeat(41)] },
      { runId, note: 'n'.repeat(4001) },
      { runId, name: 'ok', extra: 1 },
    ]) {
      expect(await refusal('runs.describe', bad), JSON.stringify(bad).slice(0, 80)).toBe('ipc.invalid-payload');
    }
    expect(await refusal('runs.describe', { runId: 9999, name: 'ghost' })).toBe('run.not-found');
    expect((await call('runs.get', { runId })).name).toBe(online.name);
  });
});
