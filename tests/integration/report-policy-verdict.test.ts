// The PDF's first page with and without a risk policy, on the demo classifier's leaky target and its regularised
// twin (one loss run each): `mia export --policy FILE --prior F` prints each target's PASS/FAIL with every rule's
// limit and measured value, the app's export (reports.export with policyPath) does the same, a report without a
// policy says in one line that none was applied, and a bad policy or prior is refused before any file is written.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../src-main/services/dataset-import';
import { importClassifier } from '../../src-main/services/model-import';
import { runHeadline } from '../../src-main/services/run-headline';
import { getRun } from '../../src-main/workspace/runs-repo';
import { formatPercent } from '../../src-shared/presentation/format';
import { classifierKit } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-report-policy-');
const door = scriptedFrontDoor();
const { backend } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: door.frontDoor });
const workspace = path.join(dir, 'workspace.sqlite');
const demoPolicy = path.join(classifierKit, 'policy.yaml');
const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
let leakyRun = 0;
let twinRun = 0;

const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args, '--workspace', workspace], {
    encoding: 'utf8',
    env: { ...process.env, MIA_WORKSPACE: '' },
  });
const firstPage = (pdf: string) => execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' });
const allPages = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });

beforeAll(async () => {
  const { dataset } = await importDataset(backend.db, {
    kind: 'manifest-csv',
    path: path.join(classifierKit, 'manifest.csv'),
    name: 'demo',
  });
  const leaky = await importClassifier(backend.db, {
    kind: 'classifier',
    modelPath: path.join(classifierKit, 'target.onnx'),
    name: 'leaky',
  });
  const twin = await importClassifier(backend.db, { kind: 'classifier', modelPath: path.join(classifierKit, 'twin.onnx'), name: 'twin' });
  leakyRun = (await runToEnd(backend, { attack: 'loss', targetModelId: leaky.id, datasetId: dataset.id, seed: 1 })).id;
  twinRun = (await runToEnd(backend, { attack: 'loss', targetModelId: twin.id, datasetId: dataset.id, seed: 1 })).id;
}, 180_000);

afterAll(() => backend.close());

describe.skipIf(!hasPoppler)("the PDF's first page and the risk policy", () => {
  it("mia export --policy puts each target's verdict with every rule, limit and measured value on page 1", () => {
    const pdf = path.join(dir, 'judged.pdf');
    const result = mia('export', String(leakyRun), String(twinRun), '--pdf', pdf, '--policy', demoPolicy);
    expect(result.status, result.stderr).toBe(0);
    const page = firstPage(pdf);
    expect(page).toContain('Risk policy verdict');
    expect(page).toContain('leaky: FAIL (policy "Demo strict policy")');
    expect(page).toContain('twin: PASS (policy "Demo strict policy")');
    const auc = runHeadline(backend.db, getRun(backend.db, leakyRun)).metrics.auc!;
    // The leaky target's AUC line: metric, limit, scope, the measured value and its run, and the result.
    expect(page).toMatch(
      new RegExp(`auc\\s+<= 0\\.63\\s+all runs\\s+${auc.toFixed(3)} \\(run #${leakyRun} loss\\)\\s+FAIL \\(1 of 1 run\\)`),
    );
    expect(page).toMatch(/tpr_at_fpr\["0\.1"\]\s+<= 0\.2\s+attack lira\s+–\s+no run in scope/);
    expect(page).toMatch(/set_inference\.p_value\s+>= 0\.01\s+all runs \(optional\)\s+n\/a\s+not measured \(optional\)/);
    expect(page).not.toContain('No risk policy was applied');
  });

  it('says in one line that no policy was applied when the export has none, and states precision at --prior', () => {
    const pdf = path.join(dir, 'plain.pdf');
    const result = mia('export', String(leakyRun), '--pdf', pdf, '--prior', '0.05');
    expect(result.status, result.stderr).toBe(0);
    const page = firstPage(pdf);
    expect(page).toContain('No risk policy was applied to this report.');
    expect(page).not.toContain('Risk policy verdict');
    // The prior reaches the precision table, at the value `mia audit --prior 0.05` gives.
    const ppv = runHeadline(backend.db, getRun(backend.db, leakyRun), 0.05).metrics.ppv_at_prior.value!;
    expect(allPages(pdf)).toMatch(
      new RegExp(`Precision if 5 % of people[\\s\\S]*#${leakyRun} loss[^\\n]*${formatPercent(ppv).replace('.', '\\.')}`),
    );
  });

  it('refuses a bad policy (exit 2) or prior before any file is written', () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'rules:\n  - rule: auc <= 0.6 or 1\n');
    const pdf = path.join(dir, 'never.pdf');
    const refused = mia('export', String(leakyRun), '--pdf', pdf, '--policy', bad);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(bad);
    expect(refused.stderr).toMatch(/rules\.0\.rule: expected a single number after auc <=.*\[config\.invalid-policy\]/);
    for (const prior of ['0', '1', 'one']) {
      const result = mia('export', String(leakyRun), '--pdf', pdf, '--prior', prior);
      expect(result.status, prior).toBe(2);
      expect(result.stderr).toMatch(/--prior takes the fraction of members in the population/);
    }
    expect(fs.existsSync(pdf)).toBe(false);
  });

  it("the app's export (reports.export with policyPath and memberPrior) gives the same first page", async () => {
    const pdf = path.join(dir, 'app.pdf');
    door.answers.destination = () => ({ kind: 'file', pdfPath: pdf });
    const exported = await backend.router.dispatch('reports.export', {
      runIds: [leakyRun, twinRun],
      policyPath: demoPolicy,
      memberPrior: 0.01,
    });
    expect(exported.ok, JSON.stringify(exported)).toBe(true);
    const page = firstPage(pdf);
    expect(page).toContain('leaky: FAIL (policy "Demo strict policy")');
    expect(page).toContain('twin: PASS (policy "Demo strict policy")');

    // A bad policy is refused before the save dialog is even asked.
    const asked = door.exportAsked.length;
    const refused = await backend.router.dispatch('reports.export', { runIds: [leakyRun], policyPath: path.join(dir, 'bad.yaml') });
    expect(refused).toMatchObject({ ok: false, error: { code: 'config.invalid-policy' } });
    expect(door.exportAsked.length).toBe(asked);
  });
});
