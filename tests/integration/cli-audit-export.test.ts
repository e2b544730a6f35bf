// `mia audit --json` on every demo-kit config, then `mia export` of those runs to PDF and CSV, through the built
// command line as a user runs it. The PDF is read back with poppler (pdftotext, pdftoppm).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseCsv } from '../../src-main/engine/data/csv';
import { epsilonLowerBound } from '../../src-main/engine/metrics/epsilon-lower-bound';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { getRecordsByIds } from '../../src-main/workspace/records-repo';
import { readMetrics, readScores } from '../../src-main/workspace/runs-repo';
import { readEpsilonBound } from '../../src-shared/domain/privacy-bound';
import { formatEpsilon } from '../../src-shared/presentation/privacy-bound-text';
import { demoDir } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();
const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MIA_WORKSPACE: '' },
    maxBuffer: 64 * 1024 * 1024,
  });

const Rate = z.number().min(0).max(1).nullable();
const AuditJson = z.strictObject({
  runs: z
    .array(
      z.object({
        id: z.number().int().positive(),
        name: z.string().min(1),
        attack: z.string(),
        params: z.record(z.string(), z.unknown()),
        target: z.object({ id: z.number(), name: z.string(), sha256: z.string() }),
        metrics: z.object({
          auc: Rate,
          auc_ci: z.tuple([Rate, Rate]),
          tpr_at_fpr: z.strictObject({ '0.001': Rate, '0.01': Rate, '0.1': Rate }),
          balanced_accuracy: Rate,
          advantage: Rate,
          epsilon_lb: z.strictObject({
            value: z.number().min(0).nullable(),
            delta: z.literal(1e-5),
            confidence: z.literal(0.95),
            method: z.enum(['calibration-split', 'bonferroni']),
            guesses: z.number().int().positive(),
          }),
          gdp_mu: z.number().min(0).nullable(),
        }),
        checks: z.record(
          z.string(),
          z.object({ status: z.enum(['ok', 'warn', 'not-applicable']), value: z.number().nullable(), message: z.string() }),
        ),
      }),
    )
    .min(1),
});

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
// Every audit config of the committed demo kit, classifier first: the export test below uses its runs.
const configs = ['classifier/audit.yaml', 'clip/audit-shifted.yaml', 'clip/audit.yaml', 'diffusion/audit.yaml'].map((name) =>
  path.join(demoDir, name),
);
/** A metric as the PDF prints it: three decimals. */
const threeDecimals = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));

/**
 * Each run's printed ε bound is the stored one, and equals the bound recomputed from its stored scores: threshold on
 * the calibration records, bound on the audited ones (Bonferroni for Shokri and QMIA, which fix their own threshold).
 */
function expectEpsilonFromStoredScores(workspace: string, runs: z.infer<typeof AuditJson>['runs']): void {
  const db = openWorkspace(workspace, { readonly: true });
  try {
    for (const run of runs) {
      expect(run.metrics.epsilon_lb, `ε of run ${run.id}`).toEqual({ ...readEpsilonBound(readMetrics(db, run.id)), note: undefined });
      const { recordIds, scores } = readScores(db, run.id);
      const records = getRecordsByIds(db, Array.from(recordIds));
      const pick = (role: string) => {
        const kept = records.flatMap((record, i) => (record.role === role && record.member !== null ? [i] : []));
        return { scores: Float64Array.from(kept, (i) => scores[i]!), labels: Uint8Array.from(kept, (i) => records[i]!.member!) };
      };
      // Shokri's attack models and QMIA's zero threshold fix the threshold themselves: no calibration split.
      const ownThreshold = run.attack === 'shokri' || run.attack === 'qmia';
      const expected = epsilonLowerBound({ ...pick('audit'), calibration: ownThreshold ? null : pick('calibration') });
      expect(run.metrics.epsilon_lb.method, `method of run ${run.id}`).toBe(expected.method);
      expect(run.metrics.epsilon_lb.guesses).toBe(expected.guesses);
      expect(run.metrics.epsilon_lb.value!, `ε of run ${run.id}`).toBeCloseTo(expected.value, 12);
      // The leaky demo target: every attack proves some privacy loss.
      expect(run.metrics.epsilon_lb.value!, `ε of run ${run.id}`).toBeGreaterThan(1);
    }
  } finally {
    db.close();
  }
}

describe('mia audit and mia export on the demo kit', () => {
  const audited: { config: string; workspace: string; runIds: number[] }[] = [];

  it.each(configs.map((file) => [path.relative(demoDir, file), file]))(
    'audits %s and prints JSON of the documented shape',
    (_name, config) => {
      const workspace = path.join(dir, `${path.basename(path.dirname(config))}-${path.basename(config, '.yaml')}.sqlite`);
      const result = mia('audit', '--config', config, '--workspace', workspace, '--json');
      expect(result.status, result.stderr).toBe(0);
      const parsed = AuditJson.parse(JSON.parse(result.stdout));
      for (const run of parsed.runs) expect(run.metrics.auc).not.toBeNull();
      if (config.includes(`${path.sep}classifier${path.sep}`)) {
        // Every classifier attack, run against the null model (trained on none of the audited records), is at chance.
        for (const run of parsed.runs) {
          const nullAuc = run.checks['null-model']?.value;
          expect(nullAuc, `${run.attack}: AUC on the null model`).not.toBeNull();
          expect(Math.abs(nullAuc! - 0.5), `${run.attack}: AUC on the null model`).toBeLessThan(0.05);
        }
        // The config's two LiRA variants are told apart by their names and parameters.
        const [online, offline] = parsed.runs.filter((run) => run.attack === 'lira');
        expect(online?.params.variant).toBe('online');
        expect(offline?.params.variant).toBe('offline');
        expect(offline!.name).toContain('variant offline');
        expect(new Set(parsed.runs.map((run) => run.name)).size, 'every run of the audit has its own name').toBe(parsed.runs.length);
        expectEpsilonFromStoredScores(workspace, parsed.runs);
      }
      audited.push({ config, workspace, runIds: parsed.runs.map((r) => r.id) });
    },
    900_000,
  );

  it('refuses a broken config with exit code 2, naming the key and what was expected', () => {
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(
      broken,
      'dataset:\n  path: 42\ntarget:\n  kind: classifier\n  model: m.onnx\nruns:\n  - attack: loss\n    seed: "one"\n',
    );
    const result = mia('audit', '--config', broken, '--workspace', path.join(dir, 'broken.sqlite'), '--json');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/dataset\.path/);
    expect(result.stderr).toMatch(/runs\.0\.seed/);
    expect(result.stderr).toMatch(/config\.invalid/);
  });

  it.skipIf(!hasPoppler)(
    'exports a PDF whose numbers equal the stored metrics, and CSVs with the exact stored scores',
    () => {
      const first = audited[0];
      expect(first?.config, 'the classifier audit ran first').toBe(configs[0]);
      const pdf = path.join(dir, 'report.pdf');
      const csv = path.join(dir, 'scores.csv');
      const result = mia('export', ...first!.runIds.map(String), '--pdf', pdf, '--csv', csv, '--workspace', first!.workspace);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);

      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      const db = openWorkspace(first!.workspace, { readonly: true });
      try {
        for (const runId of first!.runIds) {
          const metrics = readMetrics(db, runId);
          const auc = metrics.find((m) => m.name === 'auc' && m.slice === '')!;
          const tpr = metrics.find((m) => m.name === 'tpr@0.01' && m.slice === '')!;
          // The summary row: the run, its AUC with the 95 % interval as "low–high", and its TPR at 1 % FPR.
          const interval = auc.ciLow === null || auc.ciHigh === null ? 'n/a' : `${threeDecimals(auc.ciLow)}–${threeDecimals(auc.ciHigh)}`;
          const row = text.split('\n').find((line) => new RegExp(`#${runId} \\S+`).test(line) && line.includes(interval)) ?? '';
          expect(row, `summary row of run ${runId} with AUC interval ${interval}`).toContain(threeDecimals(auc.value));
          expect(row, `summary row of run ${runId}`).toContain(threeDecimals(tpr.value));
        }
        // The privacy-loss section: each run's ε with its δ on its row, and the limit stated once.
        const privacy = text.slice(text.indexOf('Privacy loss: empirical ε lower bound'), text.indexOf('Most exposed records'));
        for (const runId of first!.runIds) {
          const bound = readEpsilonBound(readMetrics(db, runId))!;
          const row = privacy.split('\n').find((line) => line.includes(`#${runId} `)) ?? '';
          expect(row, `ε row of run ${runId}`).toMatch(new RegExp(`\\s${formatEpsilon(bound.value).replace('.', '\\.')}\\s+1e-5\\s+95 %`));
        }
        expect(privacy.replace(/\s+/g, ' ')).toContain('only when membership was randomised');
        const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
        expect(pages).toBeGreaterThanOrEqual(5);
        expect(execFileSync('pdffonts', [pdf], { encoding: 'utf8' })).toMatch(/yes\s+yes\s+yes|emb/i);
        execFileSync('pdftoppm', ['-png', '-r', '50', pdf, path.join(dir, 'page')]);
        expect(fs.readdirSync(dir).filter((name) => name.startsWith('page') && name.endsWith('.png')).length).toBe(pages);

        const [header, ...rows] = parseCsv(fs.readFileSync(csv, 'utf8'), 'scores.csv');
        const col = (name: string) => header!.fields.indexOf(name);
        for (const runId of first!.runIds.slice(0, 2)) {
          const stored = readScores(db, runId);
          const exported = new Map(
            rows
              .filter((r) => Number(r.fields[col('run_id')]) === runId)
              .map((r) => [Number(r.fields[col('record_id')]), Number(r.fields[col('score')])]),
          );
          expect(exported.size).toBe(stored.recordIds.length);
          stored.recordIds.forEach((recordId, i) => expect(exported.get(recordId)).toBe(stored.scores[i]));
        }
        expect(fs.existsSync(path.join(dir, 'scores.metrics.csv'))).toBe(true);
      } finally {
        db.close();
      }
    },
    300_000,
  );
});
