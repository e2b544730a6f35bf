// Set inference as a run: started through the contract router like any attack (`attack: set-inference`, its family
// and estimate taken from `params.base`), executed by a real engine host (the built bundle: run `npm run build`
// first) on the demo diffusion UNet and the demo's suspect manifests, which have no `audit` records. The member set is
// detected at p < 0.01 and the non-member set is not; a re-run resolves through the same place and agrees.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { readSetInference } from '../../src-shared/domain/set-inference';
import { importDataset } from '../../src-main/services/dataset-import';
import { readMetrics, readScores } from '../../src-main/workspace/runs-repo';
import { contractCalls } from '../helpers/contract-calls';
import { diffusionKit, importDiffusionKit, type ImportedDiffusionKit } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';

const hasKit =
  fs.existsSync(path.join(diffusionKit, 'manifest-suspects-members.csv')) && fs.existsSync(path.join(diffusionKit, 'unet.onnx'));

const dir = makeTempDir();
const { backend } = createTestBackend(dir);
const { call, refusal } = contractCalls(backend);
let kit: ImportedDiffusionKit;
const suspectSets = new Map<'members' | 'nonmembers', number>();

beforeAll(async () => {
  if (!hasKit) return;
  kit = await importDiffusionKit(backend.db);
  for (const set of ['members', 'nonmembers'] as const) {
    const manifest = path.join(diffusionKit, `manifest-suspects-${set}.csv`);
    suspectSets.set(set, (await importDataset(backend.db, { kind: 'manifest-csv', path: manifest, name: `suspects ${set}` })).dataset.id);
  }
}, 180_000);
afterAll(() => backend.close());

const request = (set: 'members' | 'nonmembers', extra: Record<string, unknown> = {}) => ({
  attack: 'set-inference',
  targetModelId: kit.targetId,
  datasetId: suspectSets.get(set)!,
  seed: 1,
  params: { base: 'pia', powerDraws: 50, powerSizes: [5, 10, 30] },
  ...extra,
});

function storedSetInference(run: RunSummary) {
  const result = readSetInference(readMetrics(backend.db, run.id));
  if (!result) throw new Error(`run ${run.id} stored no set-inference rows`);
  return result;
}

describe.skipIf(!hasKit)('set inference started as a run', () => {
  it('estimates the base attack over suspects and references (PIA: 2 calls per record)', async () => {
    const estimate = await call('runs.estimate', request('members'));
    expect(estimate).toMatchObject({ scoredRecords: 130, modelCalls: 260 });
  });

  it('detects the member suspect set, stores its test and scores and takes its family from the base', async () => {
    const run = await runToEnd(backend, request('members'));
    expect(run.status).toBe('finished');
    expect(run.family).toBe('diffusion');
    expect(run.modelCalls).toBe(260);
    const stored = storedSetInference(run);
    expect(stored).toMatchObject({ suspects: 30, references: 100, alpha: 0.01, powerDraws: 50 });
    expect(stored.pValue).toBeLessThan(0.01);
    expect(stored.power.map((p) => p.size)).toEqual([5, 10, 30]);
    expect(readScores(backend.db, run.id).scores).toHaveLength(130);
    // No audited records, so no per-record metric was computed from these records.
    expect(readMetrics(backend.db, run.id).some((m) => m.name === 'auc')).toBe(false);

    const rerun = await call('runs.rerun', { runId: run.id });
    await backend.idle();
    const again = await call('runs.get', { runId: rerun.id });
    expect(again.status).toBe('finished');
    expect(storedSetInference(again).pValue).toBe(stored.pValue);
  }, 180_000);

  it('does not detect the non-member suspect set', async () => {
    const run = await runToEnd(backend, request('nonmembers'));
    expect(run.status).toBe('finished');
    expect(storedSetInference(run).pValue).toBeGreaterThanOrEqual(0.01);
  }, 120_000);

  it('refuses a missing or unknown base, a dataset without suspects, and a null model', async () => {
    expect(await refusal('runs.start', request('members', { params: {} }))).toBe('run.invalid-params');
    expect(await refusal('runs.start', request('members', { params: { base: 'no-such-attack' } }))).toBe('attack.unknown');
    expect(await refusal('runs.start', request('members', { params: { base: 'csa' } }))).toBe('run.wrong-family');
    expect(await refusal('runs.start', request('members', { params: { base: 'pia', baseParams: { nope: 1 } } }))).toBe(
      'run.invalid-params',
    );
    expect(await refusal('runs.start', request('members', { datasetId: kit.datasetId }))).toBe('run.missing-role');
    expect(await refusal('runs.start', request('members', { nullModelId: kit.targetId }))).toBe('run.unexpected-null-model');
  });
});
