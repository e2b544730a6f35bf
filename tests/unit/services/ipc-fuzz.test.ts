// Fuzzes every channel of the contract through the router, as a hostile renderer or WebSocket client could:
// seeded random payloads and mutations of valid ones. Every answer must be a normal result or a clear refusal
// (never `internal`, never a response that breaks its own schema), nothing may escape as an unhandled rejection,
// and the workspace must pass its integrity check with its finished run untouched. The front door declines every
// Python change and every export destination: no payload may change the interpreter or write a report anyway. It
// takes training folders by name under one root, as the headless host does: no payload may write a plan elsewhere.
// It lists folders for the page's picker, as the headless host does: no payload may make a listing fail unclearly.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, type Channel, type Result, type RunSummary } from '../../../src-shared/contract/contract';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import type { Backend } from '../../../src-main/services/backend';
import { writeTinyKit, type TinyKit } from '../../fixtures/bad/tiny-classifier-kit';
import { integrityReport, snapshotRun, type RunSnapshot } from '../../fixtures/bad/workspace-dump';
import { createTestBackend } from '../../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../../helpers/scripted-front-door';
import { makeTempDir } from '../../helpers/temp-dir';

const payloadsPerChannel = 100;
const dir = makeTempDir('mia-ipc-fuzz-');
let backend: Backend;
let kit: TinyKit;
let ids: { datasetId: number; modelId: number; runId: number };
let finishedRun: RunSnapshot;
const trainingRoot = path.join(dir, 'training');
const door = scriptedFrontDoor({ python: false, destination: () => null }, { trainingRoot, browseStart: dir });

/** Every plan file (plan.json, splits.csv) under `folder`, at any depth. */
function planFilesUnder(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => ['plan.json', 'splits.csv'].includes(path.basename(file)))
    .map((file) => path.join(folder, file));
}

beforeAll(async () => {
  backend = createTestBackend(dir, 'workspace.sqlite', { frontDoor: door.frontDoor }).backend;
  kit = await writeTinyKit(path.join(dir, 'kit'), 16);
  fs.writeFileSync(path.join(dir, 'garbage.bin'), Buffer.from([0, 1, 2, 255, 254]));
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
  if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
  const datasetId = (dataset.data as { dataset: { id: number } }).dataset.id;
  const modelId = (model.data as { id: number }).id;
  const run = await backend.router.dispatch('runs.start', { attack: 'loss', targetModelId: modelId, datasetId, seed: 1 });
  if (!run.ok) throw new Error(run.error.message);
  await backend.idle();
  ids = { datasetId, modelId, runId: (run.data as RunSummary).id };
  finishedRun = snapshotRun(backend.db, ids.runId);
}, 120_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

/** One well-formed request per channel, to mutate; channels without a request take `undefined`. */
function validSamples(): Partial<Record<Channel, unknown>> {
  const { datasetId, modelId, runId } = ids;
  return {
    'datasets.import': { kind: 'manifest-csv', path: kit.manifest, name: 'fuzzed copy' },
    'datasets.records': { datasetId, offset: 0, limit: 5, withThumbnails: true },
    'datasets.counts': { datasetId },
    'models.import': { kind: 'classifier', modelPath: kit.model, role: 'null' },
    'models.importSet': { purpose: 'reference', manifestPath: path.join(dir, 'no-such-manifest.json') },
    'models.details': { modelId },
    'models.check': { modelId, datasetId },
    'models.fit': { modelId, datasetId },
    'runs.get': { runId },
    'runs.start': { attack: 'confidence', targetModelId: modelId, datasetId, seed: 3 },
    'runs.cancel': { runId },
    'runs.estimate': { attack: 'loss', targetModelId: modelId, datasetId },
    'runs.details': { runId },
    'runs.curves': { runId, maxPoints: 50, bins: 10 },
    'runs.exposed': { runId, limit: 3, membersOnly: true },
    'runs.rerun': { runId },
    // No valid training.start: its mutations would train real models; its refusals are covered by random payloads.
    'training.plan': { purpose: 'reference', datasetId, targetModelId: modelId, count: 2, seed: 1, folderName: 'fuzz-plan' },
    'training.cancel': { jobId: 1 },
    'settings.update': { pythonPath: kit.model },
    'reports.export': { runIds: [runId], title: 'fuzzed export' },
    'files.chooseOpen': { purpose: 'dataset-manifest-csv' },
    'files.list': { path: dir, showHidden: true },
  };
}

/** Keys the contract uses anywhere, so random objects often hit a real field with a wrong value. */
const knownKeys = [
  'kind',
  'path',
  'name',
  'labelsPath',
  'cifarVariant',
  'defaultRole',
  'defaultMember',
  'datasetId',
  'offset',
  'limit',
  'role',
  'label',
  'member',
  'withThumbnails',
  'modelPath',
  'sidecarPath',
  'config',
  'purpose',
  'manifestPath',
  'modelId',
  'runId',
  'attack',
  'targetModelId',
  'seed',
  'params',
  'referenceSetId',
  'shadowSetId',
  'nullModelId',
  'maxPoints',
  'bins',
  'membersOnly',
  'imageModelPath',
  'textModelPath',
  'tokenizerPath',
  'folder',
  'folderName',
  'count',
  'trainSize',
  'recipe',
  'jobId',
  'pythonPath',
  'runIds',
  'title',
  'pdf',
  'csv',
  '__proto__',
  'constructor',
  'toString',
];

function randomString(random: SeededRandom): string {
  const pool = [
    '',
    ' ',
    'loss',
    'lira',
    'manifest-csv',
    'imagefolder',
    'idx',
    'classifier',
    'reference',
    'audit',
    '__proto__',
    '../../../../etc/passwd',
    '../fz-escaped',
    '..',
    path.join(dir, 'fz-outside'),
    '\u0000',
    '\ud800',
    '💥'.repeat(50),
    '<img src=x onerror=alert(1)>',
    "'; DROP TABLE runs; --",
    'x'.repeat(70_000),
    path.join(dir, 'garbage.bin'),
    path.join(dir, 'missing', 'file.csv'),
    kit.manifest,
    kit.model,
  ];
  if (random.next() < 0.8) return pool[random.nextInt(pool.length)]!;
  // Prefixed, so that a random name never matches a folder of the repository (an ImageFolder import would walk it).
  return `fz-${Array.from({ length: 1 + random.nextInt(12) }, () => 'abcxyz019-_ '.charAt(random.nextInt(12))).join('')}`;
}

function randomNumber(random: SeededRandom): number {
  const pool = [
    0,
    -0,
    1,
    -1,
    2,
    3,
    7,
    0.5,
    -2.5,
    2 ** 31,
    2 ** 31 - 1,
    2 ** 53,
    -(2 ** 53),
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.NaN,
    Infinity,
    -Infinity,
    1e-300,
  ];
  return random.next() < 0.85 ? pool[random.nextInt(pool.length)]! : Math.floor(random.next() * 100);
}

function randomValue(random: SeededRandom, depth = 0): unknown {
  const pick = random.nextInt(depth > 2 ? 6 : 9);
  switch (pick) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return random.next() < 0.5;
    case 3:
    case 4:
      return randomNumber(random);
    case 5:
      return randomString(random);
    case 6:
      return Array.from({ length: random.nextInt(5) }, () => randomValue(random, depth + 1));
    case 7:
      return random.next() < 0.5 ? new Uint8Array(random.nextInt(64)) : new Float64Array([Number.NaN, 1, -Infinity]);
    default: {
      const object: Record<string, unknown> = {};
      for (let i = random.nextInt(6); i > 0; i -= 1) object[knownKeys[random.nextInt(knownKeys.length)]!] = randomValue(random, depth + 1);
      return object;
    }
  }
}

/** A value of the same JSON type as `value`: gets past a type check, to reach the handler with an odd value. */
function sameType(value: unknown, random: SeededRandom): unknown {
  if (typeof value === 'number') return randomNumber(random);
  if (typeof value === 'string') return randomString(random);
  if (typeof value === 'boolean') return !value;
  return randomValue(random);
}

/**
 * A valid request with one to three fields changed: often to another value of the same type (which passes the
 * schema's type check and reaches the handler), else replaced by anything, removed, or joined by another key.
 */
function mutate(sample: unknown, random: SeededRandom): unknown {
  if (sample === undefined || random.next() < 0.1) return random.next() < 0.5 ? [sample] : randomValue(random);
  const copy: Record<string, unknown> = { ...(sample as Record<string, unknown>) };
  const keys = Object.keys(copy);
  for (let i = 1 + random.nextInt(3); i > 0; i -= 1) {
    const action = random.nextInt(5);
    const key = keys[random.nextInt(keys.length)]!;
    if (action <= 1) copy[key] = sameType(copy[key], random);
    else if (action === 2) copy[key] = randomValue(random);
    else if (action === 3) delete copy[key];
    else copy[knownKeys[random.nextInt(knownKeys.length)]!] = randomValue(random);
  }
  return copy;
}

/** Codes that mean "the caller's request was refused", as opposed to our own failure. */
const ourFailures = new Set(['internal', 'ipc.invalid-response']);

describe('fuzzing every contract channel through the router', () => {
  it(`answers ${payloadsPerChannel} seeded payloads per channel with a result or a clear refusal`, async () => {
    const unhandled: unknown[] = [];
    const onRejection = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onRejection);
    const problems: string[] = [];
    const codes = new Map<string, number>();
    let answered = 0;
    try {
      const samples = validSamples();
      for (const channel of Object.keys(channels) as Channel[]) {
        const random = new SeededRandom(`ipc-fuzz:${channel}`);
        for (let i = 0; i < payloadsPerChannel; i += 1) {
          const payload = i % 3 === 0 ? randomValue(random) : mutate(samples[channel], random);
          const result = await backend.router.dispatch(channel, payload);
          answered += 1;
          check(channel, payload, result, problems, codes);
        }
      }
      const random = new SeededRandom('ipc-fuzz:channel-names');
      for (const name of [
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'runs.start ',
        'RUNS.START',
        'runs',
        '',
        'runs.start\u0000',
        ...Array.from({ length: 20 }, () => randomValue(random)),
      ]) {
        const result = await backend.router.dispatch(name, randomValue(random));
        answered += 1;
        // Not String(name): a random object may carry a `toString` key that is not a function.
        const label = typeof name === 'string' ? name : String(JSON.stringify(name));
        check(label, null, result, problems, codes);
        if (result.ok || result.error.code !== 'ipc.unknown-channel')
          problems.push(`channel ${JSON.stringify(label)}: expected ipc.unknown-channel, got ${JSON.stringify(result).slice(0, 200)}`);
      }
      await backend.idle();
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    console.info(
      `ipc fuzz: ${answered} calls ; refusals by code: ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])))}`,
    );
    expect(problems).toEqual([]);
    expect(unhandled).toEqual([]);
    // Refusals must be mostly schema refusals: the fuzzer reached the validation layer on every channel.
    expect(codes.get('ipc.invalid-payload') ?? 0).toBeGreaterThan(Object.keys(channels).length * 10);
    expect(integrityReport(backend.db)).toBe('ok');
    expect(snapshotRun(backend.db, ids.runId)).toEqual(finishedRun);
    // Payloads reached both questions, and neither a declined interpreter nor an export slipped through.
    expect(door.pythonAsked.length).toBeGreaterThan(0);
    expect(door.exportAsked.length).toBeGreaterThan(0);
    expect(await backend.router.dispatch('settings.get', undefined)).toEqual({
      ok: true,
      data: { pythonPath: null, pythonChangeable: true, folderChoice: 'name', trainingRoot },
    });
    // Plans were written (the valid sample's mutations), and every one of them under the training root.
    const planFiles = planFilesUnder(dir);
    expect(planFiles.length).toBeGreaterThan(0);
    expect(planFiles.filter((file) => path.dirname(path.dirname(file)) !== trainingRoot)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'fz-outside'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'fz-escaped'))).toBe(false);
    expect((backend.db.prepare('SELECT COUNT(*) AS n FROM exports').get() as { n: number }).n).toBe(0);
    expect(await backend.router.dispatch('workspace.info', undefined)).toMatchObject({ ok: true });
  });
});

/** Records the refusal's code; a failure of our own (`internal`, a response breaking its schema) or a refusal without a readable message is a problem. */
function check(channel: string, payload: unknown, result: Result<unknown>, problems: string[], codes: Map<string, number>): void {
  if (result.ok) return;
  const { code, message } = result.error;
  codes.set(code, (codes.get(code) ?? 0) + 1);
  const shown = `${channel} ${String(JSON.stringify(payload)).slice(0, 200)}`;
  if (ourFailures.has(code)) problems.push(`${shown}: ${code}: ${message}`);
  if (typeof message !== 'string' || message.trim().length < 10) problems.push(`${shown}: refusal ${code} without a clear message`);
}
