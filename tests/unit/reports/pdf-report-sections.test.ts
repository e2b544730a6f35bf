// The PDF report's sections, drawn from a hand-made report: the cover has its page and the sections flow on in order,
// the executive summary's verdict leaves out runs whose validity checks warned, and the per-class table appears only
// when a run has per-class figures. The PDF is read back with poppler's pdftotext.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredCheckRow } from '../../../src-shared/contract/contract';
import { privacyBoundRows } from '../../../src-shared/domain/privacy-bound';
import { writePdfReport } from '../../../src-main/services/reports/pdf-report';
import type { AuditReport, ReportRun } from '../../../src-main/services/reports/report-model';
import { makeTempDir } from '../../helpers/temp-dir';

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
const dir = makeTempDir();

function reportRun(
  id: number,
  attack: string,
  tprAt1: number,
  options: { warn?: boolean; perClass?: boolean; name?: string; epsilon?: number } = {},
): ReportRun {
  const checks: StoredCheckRow[] = [
    {
      kind: 'polarity',
      status: options.warn ? 'warn' : 'ok',
      value: null,
      message: options.warn ? 'scores look inverted' : 'scores point the right way',
    },
  ];
  const metric = (name: string, value: number) => ({ name, slice: '', value, ciLow: value - 0.05, ciHigh: value + 0.05, note: null });
  return {
    details: {
      run: {
        id,
        name: options.name ?? attack,
        tags: [],
        note: '',
        attack,
        params: {},
        family: 'classifier',
        status: 'finished',
        targetModelId: 1,
        datasetId: 1,
        createdAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:01:00Z',
        modelCalls: 10,
        error: null,
        headline: { auc: 0.5 + tprAt1 / 2, tprAt1Percent: tprAt1 },
      },
      targetModelName: 'Target net',
      datasetName: 'Records',
      config: { params: {}, seed: 1 },
      metrics: [
        metric('auc', 0.5 + tprAt1 / 2),
        metric('tpr@0.01', tprAt1),
        ...(options.epsilon === undefined
          ? []
          : privacyBoundRows(
              { value: options.epsilon, delta: 1e-5, confidence: 0.95, method: 'bonferroni', guesses: 2000, note: null },
              { value: 1.25, note: null },
            )),
      ],
      checks,
      log: [],
    },
    curves: {
      runId: id,
      members: 2,
      nonMembers: 2,
      roc: { fpr: Float64Array.from([0, 0.5, 1]), tpr: Float64Array.from([0, 0.75, 1]) },
      histogram: {
        edges: Float64Array.from([0, 0.5, 1]),
        members: Int32Array.from([0, 2]),
        nonMembers: Int32Array.from([2, 0]),
        tails: { below: 0, above: 0 },
      },
      perClass: options.perClass
        ? [
            { classIndex: 0, className: 'cat', auc: 0.61, note: null },
            { classIndex: 1, className: 'dog', auc: 0.72, note: null },
          ]
        : [],
    },
    exposed: { runId: id, scored: 4, items: [] },
    topScoreTies: 1,
    attackTitle: `${attack} attack`,
    attackDescription: 'Scores each record.',
    targetFiles: [{ role: 'model', name: 'target.onnx', path: '/models/target.onnx', sha256: 'a'.repeat(64), bytes: 1234 }],
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

/** The report's pages as pdftotext lays them out (it ends every page with a form feed). */
async function pdfPages(runs: ReportRun[], name: string): Promise<string[]> {
  const report: AuditReport = {
    title: 'Section test',
    cover: { title: 'Section test', client: null, auditor: null, scope: null, date: '2026-01-02' },
    generatedAt: '2026-01-02T03:04:05.000Z',
    workbenchVersion: 'test',
    runs,
    environment: { 'Node.js': 'v0' },
  };
  const file = path.join(dir, `${name}.pdf`);
  await writePdfReport(report, file);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
}

/** Page text with its line breaks and layout spaces folded, so that a sentence wrapped by the layout still matches. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

describe.skipIf(!hasPoppler)('PDF report sections', () => {
  it('gives the cover a page of its own, flows the sections on in order, and puts a footer on every page', async () => {
    const pages = await pdfPages([reportRun(1, 'loss', 0.2)], 'order');
    const firstLine = (page: string): string => page.trim().split('\n')[0]!.trim();
    expect(firstLine(pages[0]!)).toBe('MEMBERSHIP INFERENCE AUDIT REPORT');
    expect(pages[0]).toContain('Section test');
    expect(pages[0]).not.toContain('Executive summary');
    expect(firstLine(pages[1]!)).toBe('Executive summary');
    const text = pages.slice(1).join('\n');
    const order = [
      'Executive summary',
      'ROC curves (log–log)',
      'Score distributions',
      'Most exposed records',
      'Methodology',
      'Limitations',
      'Glossary',
      'Appendix: environment',
    ].map((heading) => text.indexOf(heading));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Flowing sections: one run's whole report after the cover fits on far fewer pages than one page per section.
    expect(pages.length).toBeLessThanOrEqual(6);
    pages.forEach((page, i) => expect(page).toContain(`Section test — page ${i + 1} of ${pages.length}`));
  });

  it('bases the verdict on the worst case among runs whose checks did not warn, and names the runs left out', async () => {
    const pages = await pdfPages(
      [reportRun(1, 'loss', 0.9, { warn: true }), reportRun(2, 'lira', 0.3), reportRun(3, 'rmia', 0.1)],
      'worst',
    );
    const summary = oneLine(pages[1]!);
    expect(summary).toContain("Leaks membership: the strongest attack (lira attack, 'lira') identifies members far better than chance");
    expect(summary).toContain('1 of 3 runs failed and are not counted in the verdict: #1 loss (validity checks failed: polarity)');
  });

  it('labels each run by its name, so two variants of one attack read differently', async () => {
    const pages = await pdfPages(
      [
        reportRun(1, 'lira', 0.2, { name: 'LiRA · Target net · variant offline' }),
        reportRun(2, 'lira', 0.3, { name: 'LiRA · Target net' }),
      ],
      'names',
    );
    const text = oneLine(pages.join('\n'));
    expect(text).toContain('#1 LiRA · Target net · variant offline — lira attack');
    expect(text).toContain('#2 LiRA · Target net — lira attack');
  });

  it('calls a target inconclusive when every one of its runs warned', async () => {
    const pages = await pdfPages([reportRun(1, 'loss', 0.4, { warn: true }), reportRun(2, 'lira', 0.6, { warn: true })], 'all-warn');
    expect(oneLine(pages[1]!)).toContain('Inconclusive: no run of this model can be trusted (validity checks failed: polarity)');
  });

  it("shows each run's ε lower bound with δ, confidence, guesses and method, and states when it applies", async () => {
    const without = await pdfPages([reportRun(1, 'loss', 0.2)], 'no-epsilon');
    expect(without.join('\n')).not.toContain('empirical ε lower bound');
    const pages = await pdfPages([reportRun(1, 'loss', 0.2, { epsilon: 2.3456 }), reportRun(2, 'lira', 0.3)], 'epsilon');
    const text = oneLine(pages.join('\n'));
    expect(text).toContain('Privacy loss: empirical ε lower bound');
    const section = text.slice(text.indexOf('Privacy loss: empirical ε lower bound'), text.indexOf('Most exposed records'));
    expect(section).toMatch(/#1 loss 2\.35 1e-5 95 % 2,000 Bonferroni-corrected over .*1\.25/);
    // A run stored without the bound has no row rather than a row of n/a.
    expect(section).not.toContain('#2 lira');
    expect(text).toContain(
      'only when membership was randomised (as the split planner does); otherwise it describes this model and this data only',
    );
  });

  it('draws the per-class AUC table only when some run has per-class figures', async () => {
    const without = await pdfPages([reportRun(1, 'loss', 0.2)], 'no-classes');
    expect(without.join('\n')).not.toContain('AUC per class');
    const withClasses = await pdfPages([reportRun(1, 'loss', 0.2), reportRun(2, 'lira', 0.3, { perClass: true })], 'classes');
    const charts = withClasses.join('\n');
    expect(charts).toContain('AUC per class');
    expect(charts).toMatch(/cat\s+0\.610/);
    expect(charts).toMatch(/dog\s+0\.720/);
  });
});
