// The client-ready PDF through the built command line: `mia export` with the cover options puts the title, client,
// auditor, scope and date on the cover, the executive summary gives a verdict sentence per target, parameters are a
// table, the glossary is there, RMIA's tied top scores are called out, and no hash is broken across lines. A date
// that is not YYYY-MM-DD is refused before anything is written.
import crypto from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoDir } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();
const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
const classifier = path.join(demoDir, 'classifier');
const workspace = path.join(dir, 'ws.sqlite');
const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MIA_WORKSPACE: '' },
  });
let runIds: string[] = [];

describe.skipIf(!hasPoppler)('the client-ready PDF', () => {
  beforeAll(() => {
    const config = path.join(dir, 'audit.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        dataset: { kind: 'manifest-csv', path: path.join(classifier, 'manifest.csv'), name: 'records' },
        target: { kind: 'classifier', name: 'Shop CNN', model: path.join(classifier, 'target.onnx') },
        references: { manifest: path.join(classifier, 'reference', 'manifest.json'), name: 'references' },
        runs: [
          { attack: 'loss', seed: 1 },
          { attack: 'rmia', seed: 1, params: { populationSize: 1000 } },
        ],
      }),
    );
    const audit = mia('audit', '--config', config, '--workspace', workspace, '--json');
    expect(audit.status, audit.stderr).toBe(0);
    runIds = (JSON.parse(audit.stdout) as { runs: { id: number }[] }).runs.map((run) => String(run.id));
  }, 240_000);

  it('prints the cover, a verdict, parameter rows, the glossary and the tie note, with every hash on one line', () => {
    const pdf = path.join(dir, 'client.pdf');
    const exported = mia(
      'export',
      ...runIds,
      '--pdf',
      pdf,
      '--workspace',
      workspace,
      '--title',
      'Quarterly privacy review',
      '--client',
      'Northwind Retail',
      '--auditor',
      'R. Auditor',
      '--scope',
      'The shop image classifier',
      '--date',
      '2026-03-31',
    );
    expect(exported.status, exported.stderr).toBe(0);
    const raw = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const pages = raw.split('\f');
    const cover = pages[0]!.replace(/\s+/g, ' ');
    for (const field of [
      'Quarterly privacy review',
      'Client Northwind Retail',
      'Auditor R. Auditor',
      'Date 2026-03-31',
      'Scope The shop image classifier',
    ]) {
      expect(cover).toContain(field);
    }
    const text = raw.replace(/\s+/g, ' ');
    // RMIA separates this target's members clearly (AUC about 0.75): the verdict names it, with its interval.
    expect(text).toMatch(
      /Shop CNN Leaks membership: the strongest attack \(Relative membership inference, RMIA .*?'rmia[^']*'\) identifies members far better than chance: AUC 0\.\d{3} \(95 % CI 0\.\d{3}–0\.\d{3}\), TPR [\d.]+ % at 1 % FPR/,
    );
    expect(text).toMatch(/Audited records of that run: [\d,]+ members and [\d,]+ non-members/);
    // RMIA's parameters as rows of a table, not JSON.
    expect(raw).toMatch(/\n\s*populationSize\s+1000\s*\n/);
    expect(text).not.toContain('{"a":');
    expect(text).toContain('Glossary');
    expect(text).toMatch(/[\d,]+ records share the top score; their order is by record id\./);
    expect(text).toContain('How the verdict is decided');
    expect(text).toContain('Limitations');

    // Every hash sits whole on its line: the file's own (computed here) and each one the report labels.
    const fileSha256 = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(classifier, 'target.onnx')))
      .digest('hex');
    expect(raw.split('\n').some((line) => line.includes(fileSha256))).toBe(true);
    const labelled = [
      ...raw.matchAll(/^\s*(SHA-256|Model hash \(combined\):|Run inputs hash \(combined\):|Data hash:)[ \t]+([0-9a-f]\S*)/gm),
    ].map((match) => match[2]!.replace(/\.$/, ''));
    // One file hash and one combined model hash, and per run an inputs hash and a data hash: a hash pushed whole onto
    // the next line would drop out of this count.
    expect(labelled).toHaveLength(2 + 2 * runIds.length);
    for (const hash of labelled) expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a cover date that is not a calendar day written YYYY-MM-DD, writing nothing', () => {
    const pdf = path.join(dir, 'bad-date.pdf');
    for (const date of ['31/03/2026', '2026-02-30']) {
      const result = mia('export', runIds[0]!, '--pdf', pdf, '--workspace', workspace, '--date', date);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('--date');
      expect(fs.existsSync(pdf)).toBe(false);
    }
  });
});
