// The audit-policy store against a real backend through the in-process bridge, on the demo classifier's leaky target
// and its regularised twin (one loss run each): the demo's strict policy fails the target and passes the twin, with
// the very rows `mia audit --policy` computes from the same headlines; a bad policy file is shown as its error without
// failing the call; the prior is a workspace setting that the precision rule reads.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../../src-renderer/api';
import { useAuditPolicyStore } from '../../../../src-renderer/stores/audit-policy';
import { importDataset } from '../../../../src-main/services/dataset-import';
import { importClassifier } from '../../../../src-main/services/model-import';
import { readRiskPolicy } from '../../../../src-main/services/policy/policy-file';
import { judgeRuns } from '../../../../src-main/services/policy/policy-verdict';
import { runHeadline } from '../../../../src-main/services/run-headline';
import { getRun } from '../../../../src-main/workspace/runs-repo';
import { classifierKit } from '../../../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../../../helpers/in-process-bridge';
import { makeTempDir } from '../../../helpers/temp-dir';

const dir = makeTempDir('mia-audit-policy-store-');
const { backend, bridge } = createTestBackend(dir);
setActivePinia(createPinia());
useBridge(bridge);
beforeEach(() => useBridge(bridge));
const demoPolicy = path.join(classifierKit, 'policy.yaml');

let targetId = 0;
let twinId = 0;

beforeAll(async () => {
  const { dataset } = await importDataset(backend.db, {
    kind: 'manifest-csv',
    path: path.join(classifierKit, 'manifest.csv'),
    name: 'demo',
  });
  targetId = (await importClassifier(backend.db, { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx'), name: 'leaky' }))
    .id;
  twinId = (await importClassifier(backend.db, { kind: 'classifier', modelPath: path.join(classifierKit, 'twin.onnx'), name: 'twin' })).id;
  for (const id of [targetId, twinId]) await runToEnd(backend, { attack: 'loss', targetModelId: id, datasetId: dataset.id, seed: 1 });
}, 180_000);

afterAll(async () => {
  await backend.idle();
  backend.close();
});

describe('audit policy store', () => {
  it('starts with no policy and the default prior of 1 %, judging nothing', async () => {
    const store = useAuditPolicyStore();
    await store.loadSettings();
    await store.refreshVerdicts();
    expect(store.settings).toEqual({ policyPath: null, memberPrior: 0.01 });
    expect(store.verdicts).toEqual({ policyPath: null, memberPrior: 0.01, policyError: null, targets: [] });
    expect(store.error).toBeNull();
  });

  it('fails the leaky target and passes the twin, with the rows mia audit --policy computes', async () => {
    const store = useAuditPolicyStore();
    expect(await store.setPolicyPath(demoPolicy)).toBe(true);
    expect(store.settings?.policyPath).toBe(demoPolicy);
    const byTarget = new Map(store.verdicts!.targets.map((t) => [t.targetModelId, t]));
    expect(byTarget.get(targetId)).toMatchObject({ targetName: 'leaky', verdict: { status: 'fail', policy: 'Demo strict policy' } });
    expect(byTarget.get(twinId)).toMatchObject({ targetName: 'twin', verdict: { status: 'pass' } });
    const leaky = byTarget.get(targetId)!;
    const failing = leaky.verdict.rules.filter((row) => row.status === 'fail').map((row) => row.rule);
    expect(failing).toEqual(expect.arrayContaining(['auc <= 0.63', 'epsilon_lb.value <= 1']));
    // The same evaluator over the same headlines: exactly what the CLI prints for these runs.
    const runs = leaky.runIds.map((runId) => runHeadline(backend.db, getRun(backend.db, runId), 0.01));
    expect(leaky.verdict).toEqual(judgeRuns(readRiskPolicy(demoPolicy), runs));
  });

  it('shows a bad policy as its error, naming the file and the rule, without failing the call', async () => {
    const store = useAuditPolicyStore();
    const bad = path.join(dir, 'bad-policy.yaml');
    fs.writeFileSync(bad, 'rules:\n  - rule: auc <= 0.6\n  - rule: auc <= 0.6 or 1\n');
    expect(await store.setPolicyPath(bad)).toBe(true);
    expect(store.error).toBeNull();
    expect(store.verdicts?.targets).toEqual([]);
    expect(store.verdicts?.policyError?.code).toBe('config.invalid-policy');
    expect(store.verdicts?.policyError?.message).toContain(bad);
    expect(store.verdicts?.policyError?.message).toMatch(/rules\.1\.rule: expected a single number after auc <=/);
    // Fixed in the file: the next refresh reads it again.
    fs.writeFileSync(bad, 'rules:\n  - rule: auc <= 0.99\n');
    await store.refreshVerdicts();
    expect(store.verdicts?.policyError).toBeNull();
    expect(store.verdicts?.targets.map((t) => t.verdict.status)).toEqual(['pass', 'pass']);
  });

  it('refuses a policy path that is a FIFO or a folder instead of hanging on it', async () => {
    const store = useAuditPolicyStore();
    const fifo = path.join(dir, 'policy.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [file, code] of [
      [fifo, 'config.not-a-file'],
      [dir, 'config.not-a-file'],
      [path.join(dir, 'absent.yaml'), 'config.unreadable'],
    ] as const) {
      expect(await store.setPolicyPath(file)).toBe(true);
      expect(store.verdicts?.policyError?.code, file).toBe(code);
    }
    expect(await store.setPolicyPath(null)).toBe(true);
    expect(store.verdicts).toMatchObject({ policyPath: null, policyError: null, targets: [] });
  });

  it('keeps the prior as a workspace setting that the precision rule reads, refusing a prior outside (0, 1)', async () => {
    const store = useAuditPolicyStore();
    expect(await store.setMemberPrior(0.05)).toBe(true);
    expect(await store.setPolicyPath(demoPolicy)).toBe(true);
    const leaky = store.verdicts!.targets.find((t) => t.targetModelId === targetId)!;
    const ppv = leaky.verdict.rules.find((row) => row.rule.startsWith('ppv_at_prior'))!;
    expect(ppv.value).toBe(runHeadline(backend.db, getRun(backend.db, ppv.run!), 0.05).metrics.ppv_at_prior.value);
    expect(ppv.value).not.toBe(runHeadline(backend.db, getRun(backend.db, ppv.run!), 0.01).metrics.ppv_at_prior.value);

    for (const prior of [0, 1, 1.5]) {
      expect(await store.setMemberPrior(prior)).toBe(false);
      expect(store.error?.code).toBe('ipc.invalid-payload');
      expect(store.error?.message).toMatch(/memberPrior/);
    }
    await store.loadSettings();
    expect(store.settings?.memberPrior).toBe(0.05);
  });
});
