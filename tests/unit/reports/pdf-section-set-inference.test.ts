// The PDF report's set-level inference section and how the executive summary lists set-level runs: each such run's
// base attack, set sizes, test, p-values, effect size, decision at 1 %, power curve and the limitation, and a summary
// that lists the run apart instead of calling it inconclusive for lacking an AUC. Read back with poppler's pdftotext.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setInferenceRows, type StoredSetInference } from '../../../src-shared/domain/set-inference';
import { writePdfReport } from '../../../src-main/services/reports/pdf-report';
import type { AuditReport, ReportRun } from '../../../src-main/services/reports/report-model';
import { makeTempDir } from '../../helpers/temp-dir';

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
const dir = makeTempDir();

const detected: StoredSetInference = {
  pValue: 0.00042,
  method: 'exact',
  u: 2400,
  commonLanguage: 0.8,
  rankBiserial: 0.6,
  suspects: 30,
  references: 100,
  welch: { t: 4.1, degreesOfFreedom: 55, pValue: 0.00007, cohensD: 0.9, appropriate: true },
  alpha: 0.01,
  powerDraws: 50,
  power: [
    { size: 5, power: 0.2 },
    { size: 10, power: 0.46 },
    { size: 30, power: 1 },
  ],
};
const notDetected: StoredSetInference = { ...detected, pValue: 0.41, commonLanguage: 0.52, rankBiserial: 0.04, welch: null };

function run(id: number, attack: string, options: { setInference?: StoredSetInference; auc?: number } = {}): ReportRun {
  const interval = (name: string, value: number) => ({ name, slice: '', value, ciLow: value - 0.05, ciHigh: value + 0.05, note: null });
  const metrics = options.setInference
    ? setInferenceRows(options.setInference)
    : [interval('auc', options.auc ?? 0.8), interval('tpr@0.01', 0.2)];
  const params = options.setInference ? { base: 'pia', baseParams: { t: 200 }, alpha: 0.01 } : {};
  return {
    details: {
      run: {
        id,
        name: `${attack} run`,
        tags: [],
        note: '',
        attack,
        params,
        family: 'diffusion',
        status: 'finished',
        targetModelId: 1,
        datasetId: 1,
        createdAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:01:00Z',
        modelCalls: 260,
        error: null,
        headline: { auc: options.setInference ? null : (options.auc ?? 0.8), tprAt1Percent: null },
      },
      targetModelName: 'Demo UNet',
      datasetName: 'Suspects',
      config: { params, seed: 1 },
      metrics,
      checks: options.setInference ? [] : [{ kind: 'polarity', status: 'ok', value: null, message: 'scores point the right way' }],
      log: [],
    },
    curves: {
      runId: id,
      members: options.setInference ? 0 : 2,
      nonMembers: options.setInference ? 0 : 2,
      roc: options.setInference
        ? { fpr: new Float64Array(0), tpr: new Float64Array(0) }
        : { fpr: Float64Array.from([0, 0.5, 1]), tpr: Float64Array.from([0, 0.75, 1]) },
      histogram: options.setInference
        ? { edges: new Float64Array(0), members: new Int32Array(0), nonMembers: new Int32Array(0), tails: { below: 0, above: 0 } }
        : {
            edges: Float64Array.from([0, 0.5, 1]),
            members: Int32Array.from([0, 2]),
            nonMembers: Int32Array.from([2, 0]),
            tails: { below: 0, above: 0 },
          },
      perClass: [],
    },
    exposed: { runId: id, scored: 4, items: [] },
    topScoreTies: 1,
    attackTitle: options.setInference ? 'Set inference over PIA' : `${attack} attack`,
    attackDescription: 'Scores each record.',
    targetFiles: [{ role: 'model', name: 'unet.onnx', path: '/models/unet.onnx', sha256: 'a'.repeat(64), bytes: 1234 }],
    targetModelHash: 'd'.repeat(64),
    targetRemote: null,
    remoteRun: null,
    modelHash: 'b'.repeat(64),
    dataHash: 'c'.repeat(64),
    engineVersion: 'test',
    executionProvider: 'cpu',
    timings: null,
  };
}

async function pdfText(runs: ReportRun[], name: string): Promise<{ pages: string[] }> {
  const report: AuditReport = {
    title: 'Set test',
    cover: { title: 'Set test', client: null, auditor: null, scope: null, date: '2026-01-02' },
    generatedAt: '2026-01-02T03:04:05.000Z',
    workbenchVersion: 'test',
    runs,
    environment: { 'Node.js': 'v0' },
  };
  const file = path.join(dir, `${name}.pdf`);
  await writePdfReport(report, file);
  const pages = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
  return { pages: pages.map((page) => page.replace(/\s+/g, ' ')) };
}

describe.skipIf(!hasPoppler)('PDF set-level inference section', () => {
  it('gives each set-inference run its base attack, set sizes, p-values, effect size, decision, power curve and limitation', async () => {
    const { pages } = await pdfText([run(1, 'pia', { auc: 0.8 }), run(2, 'set-inference', { setInference: detected })], 'detected');
    const text = pages.join(' ');
    const section = text.slice(text.indexOf('Set-level inference A set-level test'));
    expect(section).toContain('Set inference over PIA (base attack pia; t 200)');
    expect(section).toMatch(/Suspect records\s+30/);
    expect(section).toMatch(/Reference records \(non-members\)\s+100/);
    expect(section).toContain('p = 0.00042, U = 2,400');
    expect(section).toContain('0.800; rank-biserial 0.600');
    expect(section).toContain("p = 7.0e-5, t = 4.10, Cohen's d = 0.90");
    expect(section).toMatch(/Decision at the 1 % level\s+detected/);
    expect(section).toContain('The suspect set is scored as members more than the reference set: p = 0.00042');
    // The power curve is drawn: its title and axis names are text in the chart's SVG.
    expect(section).toContain('Power over suspect-set size, #2 set-inference');
    expect(section).toContain('suspect records');
    expect(section).toContain('It needs the reference records to truly come from the same distribution');
  });

  it('lists a set-level run apart in the executive summary instead of calling it inconclusive', async () => {
    const { pages } = await pdfText([run(1, 'pia', { auc: 0.8 }), run(2, 'set-inference', { setInference: notDetected })], 'summary');
    const summary = pages[1]!.slice(0, pages[1]!.indexOf('ROC curves'));
    expect(summary).toContain("Leaks membership: the strongest attack (pia attack, 'pia run')");
    expect(summary).toContain('Validity checks: passed for all 1 run of this model');
    expect(summary).toContain('Set-level results');
    expect(summary).toContain(
      '#2 set-inference run: No evidence at the 1 % level that the suspect set is scored as members more than the reference set (p = 0.41).',
    );
    expect(summary).not.toContain('Inconclusive');
    expect(pages.join(' ')).toMatch(/Decision at the 1 % level\s+not detected/);
  });

  it('gives a target with only set-level runs no per-record verdict, and no empty ROC or histogram', async () => {
    const { pages } = await pdfText([run(1, 'set-inference', { setInference: detected })], 'only-set');
    const text = pages.join(' ');
    const summary = text.slice(text.indexOf('Executive summary'), text.indexOf('A set-level test asks'));
    expect(summary).toContain('No per-record attack ran on this model, so there is no verdict on single records.');
    expect(summary).not.toContain('Inconclusive');
    expect(text).not.toContain('ROC curves (log–log)');
    expect(text).not.toContain('Score distributions');
    expect(text).toContain('Set-level inference A set-level test asks');
    expect(text).not.toContain('No audited records were scored');
  });

  it('draws no section when no run is a set-level test', async () => {
    const { pages } = await pdfText([run(1, 'pia', { auc: 0.8 })], 'none');
    expect(pages.join(' ')).not.toContain('A set-level test asks');
  });
});
