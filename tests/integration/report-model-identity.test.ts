// Model identity in the exported PDF, through the built command line: each target file's name, size and own SHA-256
// (the one `sha256sum` prints, computed here independently) appear, and the model hash is labelled as combined.
import crypto from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src-shared/presentation/format';
import { demoDir } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();
const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MIA_WORKSPACE: '' },
  });

describe.skipIf(!hasPoppler)('model identity in the PDF', () => {
  it("shows the target file's own SHA-256 and size, and names the combined hash as combined", () => {
    const classifier = path.join(demoDir, 'classifier');
    const targetFile = path.join(classifier, 'target.onnx');
    const config = path.join(dir, 'audit.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        title: 'identity',
        dataset: { kind: 'manifest-csv', path: path.join(classifier, 'manifest.csv'), name: 'records' },
        target: { kind: 'classifier', name: 'target', model: targetFile },
        runs: [{ attack: 'loss', seed: 1 }],
      }),
    );
    const workspace = path.join(dir, 'ws.sqlite');
    const audit = mia('audit', '--config', config, '--workspace', workspace, '--json');
    expect(audit.status, audit.stderr).toBe(0);
    const runId = String((JSON.parse(audit.stdout) as { runs: { id: number }[] }).runs[0]!.id);
    const pdf = path.join(dir, 'report.pdf');
    const exported = mia('export', runId, '--pdf', pdf, '--workspace', workspace);
    expect(exported.status, exported.stderr).toBe(0);

    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const fileSha256 = crypto.createHash('sha256').update(fs.readFileSync(targetFile)).digest('hex');
    expect(text).toContain(`target.onnx (model), ${formatCount(fs.statSync(targetFile).size)} bytes SHA-256 ${fileSha256}`);
    const combined = /Model hash \(combined\): ([0-9a-f]{64})\. SHA-256 over one line per model file/.exec(text);
    expect(combined).not.toBeNull();
    // The combined hash is not the file's hash, which is why the label must say what it is.
    expect(combined![1]).not.toBe(fileSha256);
    expect(text).not.toContain('Target model SHA-256');
  });
});
