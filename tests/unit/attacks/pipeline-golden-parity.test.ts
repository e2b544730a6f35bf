// The conditional pipeline demos (resources/demo/dit/, resources/demo/latent-diffusion/) against their PyTorch
// reference (tools/demo-kit/latent_common.py LatentAttacks, written by dit.py and latent_pipeline.py): each folder
// opened as an import and a run open it, the two golden records' PNGs from the folder's manifest with their classes or
// captions, and the reference's noise fed in through the noise source. ReDiffuse and the diffusion loss must agree
// with goldens/parity.json to 1e-4 relative (measured: at most 2.4e-7); so must SecMI, PIA and PIAN at the engine's
// default parameters, which draw no noise (goldens from `dit.py --goldens-only` and `latent_pipeline.py
// --goldens-only`; measured: SecMI at most 6.4e-6, its t-error being a small difference of two nearly equal states,
// PIA 5.3e-7, PIAN 3.4e-6).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  lossStatistics,
  piaStatistics,
  powerDistances,
  rediffuseCopies,
  secmiStatistics,
} from '../../../src-main/engine/attacks/diffusion/diffusion-statistics';
import type { DiffusionTarget } from '../../../src-main/engine/attacks/diffusion/diffusion-target';
import { meanDecodedCopies } from '../../../src-main/engine/attacks/diffusion/rediffuse-attack';
import { suppliedNoise } from '../../../src-main/engine/attacks/diffusion/noise-source';
import { piaAttack, pianAttack } from '../../../src-main/engine/attacks/diffusion/pia-attack';
import { secmiAttack } from '../../../src-main/engine/attacks/diffusion/secmi-attack';
import type { RunRecord } from '../../../src-main/engine/attacks/run-record';
import { IssueCollector } from '../../../src-main/engine/data/import-issues';
import { readManifest } from '../../../src-main/engine/data/manifest';
import type { EpsilonModel } from '../../../src-main/engine/diffusion/ddim';
import type { AttackTask } from '../../../src-main/engine/jobs/attack-task';
import { createCallProgress } from '../../../src-main/engine/jobs/call-progress';
import { createRecordImages } from '../../../src-main/engine/jobs/record-images';
import { openFamilyRuntime, type FamilyRuntime } from '../../../src-main/engine/jobs/family-runtime';
import { sha256OfFile } from '../../../src-main/services/model-files';
import { preparePipeline } from '../../../src-main/services/pipeline-import';
import { demoDir, demoFile, readJson, readTensor, type TensorDescriptor } from '../models/helpers/demo-kit';

interface StatisticGolden {
  t: number;
  n: number;
  noise: TensorDescriptor;
  statistic: number[];
}

interface PipelineStatisticsGolden {
  ids: string[];
  labels?: number[];
  captions?: string[];
  statistics: {
    rediffuse: StatisticGolden & { stride: number };
    loss: StatisticGolden;
    secmi: { t: number; stride: number; statistic: number[] };
    pia: { t: number; statistic: number[] };
    pian: { t: number; statistic: number[] };
  };
  components: { vae_encoder: { inputs: { sample: TensorDescriptor } } };
}

function expectRelative(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((want, i) => expect(Math.abs((actual[i] as number) - want)).toBeLessThanOrEqual(1e-4 * Math.abs(want)));
}

/** The golden records as a run sees them, read from the folder's manifest (paths resolved against the folder). */
async function goldenRecords(family: 'dit' | 'latent-diffusion', ids: readonly string[]): Promise<RunRecord[]> {
  const issues = new IssueCollector();
  const entries = readManifest(demoFile(family, 'manifest.csv'), 'csv', { role: 'audit', member: null }, issues);
  return Promise.all(
    ids.map(async (id, i) => {
      const entry = entries.find((e) => e.id === id);
      if (!entry) throw new Error(`${family}/manifest.csv has no record ${id}`);
      const file = path.join(demoDir(family), entry.path);
      return {
        id: i + 1,
        key: entry.id,
        path: file,
        sourceIndex: null,
        // The pixel loader checks each file against the hash an import recorded.
        sha256: await sha256OfFile(file),
        label: entry.label === null ? null : Number(entry.label),
        caption: entry.caption,
        member: entry.member,
        role: entry.role,
      };
    }),
  );
}

describe.each(['dit', 'latent-diffusion'] as const)('%s pipeline statistics against the PyTorch goldens', (family) => {
  const goldens = demoFile(family, 'goldens');
  const golden = readJson<PipelineStatisticsGolden>(path.join(goldens, 'parity.json'));
  let runtime: FamilyRuntime;
  let target: DiffusionTarget;
  let model: EpsilonModel;
  let records: RunRecord[];
  let latents: Float32Array;

  beforeAll(async () => {
    const prepared = await preparePipeline(demoDir(family), {});
    records = await goldenRecords(family, golden.ids);
    const spec = { id: 1, kind: 'diffusion' as const, ...prepared, trainedOn: null };
    const task: AttackTask = {
      kind: 'attack',
      runId: 1,
      attack: 'rediffuse',
      params: {},
      seed: 0,
      target: spec,
      records,
      references: [],
      shadows: [],
      nullModel: null,
    };
    runtime = await openFamilyRuntime(task, 'diffusion', {
      images: createRecordImages(),
      progress: createCallProgress(1, () => {}),
      signal: new AbortController().signal,
      threads: 1,
    });
    target = runtime.target as DiffusionTarget;
    // Each record's class (DiT) or caption (latent diffusion), no guidance: how the reference bound its ε model.
    model = await target.conditionedOn(records, { guidanceScale: 1, prompt: 'caption', fixedPrompt: '' });
    latents = await target.samples(records);
  });
  afterAll(async () => runtime?.release());

  test('the manifest gives the records, classes or captions and pixels the reference used', async () => {
    if (golden.labels) expect(records.map((r) => r.label)).toEqual(golden.labels);
    if (golden.captions) expect(records.map((r) => r.caption)).toEqual(golden.captions);
    const want = readTensor(golden.components.vae_encoder.inputs.sample, goldens);
    const got = await target.pixels(records);
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-6));
  });

  test('the diffusion loss with the reference noise matches to 1e-4', async () => {
    const { n, t, noise, statistic } = golden.statistics.loss;
    const loss = await lossStatistics(model, latents, target.sampleSize, suppliedNoise(readTensor(noise, goldens)), { repeats: n, t });
    expectRelative(loss, statistic);
  });

  test('ReDiffuse (squared l2 to the mean decoded reconstruction) with the reference noise matches to 1e-4', async () => {
    const { n, t, stride, noise, statistic } = golden.statistics.rediffuse;
    const size = target.sampleSize;
    const latent = target.latent!;
    // The reference decodes each of the n reconstructions and averages the images, as the engine's attack does for
    // a latent target compared in pixels (rediffuseCopies, then meanDecodedCopies).
    const copies = await rediffuseCopies(model, latents, size, suppliedNoise(readTensor(noise, goldens)), { repeats: n, t, stride });
    const mean = await meanDecodedCopies(latent, copies, records.length, n);
    const pixelSize = mean.length / records.length;
    expectRelative(powerDistances(await target.pixels(records), mean, pixelSize, 2), statistic);
  });

  test('SecMI (t-error of the DDIM round trip t → t+k → t, in latent space) matches to 1e-4', async () => {
    const { t, stride, statistic } = golden.statistics.secmi;
    // The engine's defaults, which audit.yaml's secmi run uses: a golden made with other parameters must fail here.
    expect(secmiAttack.params.parse({})).toMatchObject({ t, stride });
    expectRelative(await secmiStatistics(model, latents, target.sampleSize, { t, stride }), statistic);
  });

  test('PIA (‖ε₀ − ε_θ(x_t, t)‖₄⁴ with ε₀ = ε_θ(x, 0), in latent space) matches to 1e-4', async () => {
    const { t, statistic } = golden.statistics.pia;
    expect(piaAttack.params.parse({})).toMatchObject({ t });
    expectRelative(await piaStatistics(model, latents, target.sampleSize, { t, gaussianScale: false }), statistic);
  });

  test('PIAN (PIA with ε₀ rescaled per record to mean |ε₀| = √(2/π)) matches to 1e-4', async () => {
    const { t, statistic } = golden.statistics.pian;
    expect(pianAttack.params.parse({})).toMatchObject({ t });
    expectRelative(await piaStatistics(model, latents, target.sampleSize, { t, gaussianScale: true }), statistic);
  });
});
