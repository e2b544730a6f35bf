// The signed evidence bundle through the built command line, from a real small audit of the demo classifier
// (tests/fixtures/evidence-bundle/audit.yaml: 300 records, loss and confidence): `mia export --bundle` writes one tar
// archive that any tar tool lists; `mia verify` accepts it untouched, naming this installation's fingerprint, and
// refuses it (exit 1, naming what failed) after one changed byte in an entry, the manifest, the signature, a header,
// padding or the closing blocks; `mia audit --replay` re-runs it bit-identically from a moved copy of the data, refuses
// a changed model file before running anything, and names the first record whose score differs from a re-signed bundle.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineVersion } from '../../src-main/common/engine-version';
import { fingerprintOf } from '../../src-main/common/signatures';
import { readTar } from '../../src-main/common/tar-archive';
import { packEvidenceBundle, readEvidenceBundle } from '../../src-main/services/evidence/bundle-format';
import { installationKey } from '../../src-main/services/signing/installation-key';
import { classifierKit } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-evidence-bundle-');
const kit = path.join(dir, 'kit');
const workspace = path.join(dir, 'workspace.sqlite');
const bundle = path.join(dir, 'evidence.tar');
const recordCount = 300;

const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MIA_WORKSPACE: '' },
    maxBuffer: 64 * 1024 * 1024,
  });

/** The fixture config beside copies of the demo's first records and its target model: data the test may change. */
function writeKit(folder: string): void {
  fs.mkdirSync(path.join(folder, 'data', 'images'), { recursive: true });
  fs.mkdirSync(path.join(folder, 'models'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'tests', 'fixtures', 'evidence-bundle', 'audit.yaml'), path.join(folder, 'audit.yaml'));
  const lines = fs
    .readFileSync(path.join(classifierKit, 'manifest.csv'), 'utf8')
    .split('\n')
    .slice(0, recordCount + 1);
  fs.writeFileSync(path.join(folder, 'data', 'manifest.csv'), `${lines.join('\n')}\n`);
  const pathColumn = lines[0]!.split(',').indexOf('path');
  for (const line of lines.slice(1)) {
    const image = line.split(',')[pathColumn]!;
    fs.copyFileSync(path.join(classifierKit, image), path.join(folder, 'data', image));
  }
  for (const file of ['target.onnx', 'target.json']) fs.copyFileSync(path.join(classifierKit, file), path.join(folder, 'models', file));
}

/** A copy of the bundle with the byte at `offset` changed. */
function flipped(offset: number, name: string): string {
  const bytes = fs.readFileSync(bundle);
  bytes[offset] = bytes[offset]! ^ 0x20;
  const file = path.join(dir, `${name}.tar`);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Where each entry's header and content start in the bundle, read back with the archive reader. */
function layout(): Map<string, { header: number; content: number; size: number }> {
  const places = new Map<string, { header: number; content: number; size: number }>();
  let offset = 0;
  for (const entry of readTar(fs.readFileSync(bundle), bundle)) {
    places.set(entry.name, { header: offset, content: offset + 512, size: entry.bytes.length });
    offset += 512 + Math.ceil(entry.bytes.length / 512) * 512;
  }
  return places;
}

beforeAll(() => {
  writeKit(kit);
  const audit = mia('audit', '--config', path.join(kit, 'audit.yaml'), '--workspace', workspace, '--json');
  if (audit.status !== 0) throw new Error(`mia audit failed: ${audit.stderr}`);
  const runIds = (JSON.parse(audit.stdout) as { runs: { id: number }[] }).runs.map((run) => String(run.id));
  const exported = mia('export', ...runIds, '--bundle', bundle, '--workspace', workspace, '--title', 'Evidence test');
  if (exported.status !== 0) throw new Error(`mia export --bundle failed: ${exported.stderr}`);
}, 240_000);

describe('mia export --bundle', () => {
  it('writes one tar archive holding the PDF, the CSVs, the configs, the provenance and a signed manifest', () => {
    const listed = spawnSync('tar', ['-tf', bundle], { encoding: 'utf8' });
    expect(listed.status).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual([
      'manifest.json',
      'manifest.sig',
      'report.pdf',
      'scores.csv',
      'scores.metrics.csv',
      'provenance.json',
      'configs/run-1.json',
      'configs/run-1.audit.json',
      'configs/run-2.json',
      'configs/run-2.audit.json',
    ]);
    const read = readEvidenceBundle(bundle);
    expect(Buffer.from(read.entries.get('report.pdf')!).subarray(0, 5).toString()).toBe('%PDF-');
    const provenance = JSON.parse(Buffer.from(read.entries.get('provenance.json')!).toString()) as {
      root: string;
      runs: { seed: number; executionProvider: string }[];
      datasets: { records: unknown[]; source: { path: string } }[];
      models: { files: { path: string; sha256: string }[] }[];
      environment: Record<string, string>;
    };
    expect(provenance.root).toBe(kit);
    expect(provenance.runs.map((run) => [run.seed, run.executionProvider])).toEqual([
      [3, 'cpu'],
      [3, 'cpu'],
    ]);
    expect(provenance.datasets[0]!.source.path).toBe('data/manifest.csv');
    expect(provenance.datasets[0]!.records).toHaveLength(recordCount);
    expect(provenance.models[0]!.files[0]!.path).toBe('models/target.onnx');
    expect(provenance.environment['MIA Workbench']).toBe(engineVersion);
    const rebuilt = JSON.parse(Buffer.from(read.entries.get('configs/run-1.audit.json')!).toString()) as Record<string, unknown>;
    expect(rebuilt).toMatchObject({
      dataset: { kind: 'manifest-csv', path: 'data/manifest.csv' },
      target: { kind: 'classifier', model: 'models/target.onnx' },
      runs: [{ attack: 'loss', seed: 3 }],
    });
  });
});

describe('mia verify on a bundle', () => {
  it("accepts the untouched bundle and names this installation's fingerprint", () => {
    const result = mia('verify', bundle);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`signed by this installation (fingerprint ${fingerprintOf(installationKey().publicKey)})`);
    const json = JSON.parse(mia('verify', bundle, '--json').stdout) as { kind: string; signer: { kind: string } };
    expect(json).toMatchObject({ kind: 'evidence-bundle', signer: { kind: 'this-installation' } });
  });

  it('refuses one changed byte anywhere, naming what failed', () => {
    const places = layout();
    const at = (name: string) => places.get(name)!;
    const total = fs.statSync(bundle).size;
    const padded = [...places.values()].find((place) => place.size % 512 !== 0)!;
    const cases: [string, number, RegExp][] = [
      ['pdf-content', at('report.pdf').content + 100, /report\.pdf.*changed after signing.*\[bundle\.entry-changed\]/],
      ['scores-content', at('scores.csv').content + at('scores.csv').size - 5, /scores\.csv.*\[bundle\.entry-changed\]/],
      ['provenance-content', at('provenance.json').content + 40, /provenance\.json.*\[bundle\.entry-changed\]/],
      ['manifest-content', at('manifest.json').content + 200, /\[bundle\.(bad-signature|bad-manifest)\]/],
      ['signature-content', at('manifest.sig').content + at('manifest.sig').size - 10, /\[bundle\.bad-signature\]/],
      ['entry-name', at('scores.csv').header + 2, /entry name "scOres\.csv" is not one this workbench writes.*\[archive\.corrupt\]/],
      ['entry-size', at('scores.csv').header + 130, /\[archive\.corrupt\]/],
      ['header-mtime', at('report.pdf').header + 140, /\[archive\.corrupt\]/],
      ['header-checksum', at('manifest.json').header + 150, /header of "manifest\.json" was altered.*\[archive\.corrupt\]/],
      ['magic', at('manifest.json').header + 258, /\[archive\.corrupt\]/],
      ['padding', padded.content + padded.size, /padding.*\[archive\.corrupt\]/],
      ['closing-blocks', total - 3, /closing blocks.*\[archive\.corrupt\]/],
    ];
    for (const [name, offset, expected] of cases) {
      const result = mia('verify', flipped(offset, name));
      expect(result.status, name).toBe(1);
      expect(result.stderr, name).toMatch(expected);
    }
    const appended = path.join(dir, 'appended.tar');
    fs.writeFileSync(appended, Buffer.concat([fs.readFileSync(bundle), Buffer.from('x')]));
    expect(mia('verify', appended).stderr).toMatch(/1 bytes follow its closing blocks.*\[archive\.corrupt\]/);
    const cut = path.join(dir, 'cut.tar');
    fs.writeFileSync(cut, fs.readFileSync(bundle).subarray(0, total - 700));
    expect(mia('verify', cut).status).toBe(1);
  }, 300_000);

  it('refuses the first 200 seeded single-byte changes read in process, whichever byte they hit', () => {
    const bytes = fs.readFileSync(bundle);
    let state = 21;
    const file = path.join(dir, 'seeded.tar');
    for (let i = 0; i < 200; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const offset = state % bytes.length;
      const copy = Buffer.from(bytes);
      copy[offset] = copy[offset]! ^ (1 + (state % 255));
      fs.writeFileSync(file, copy);
      expect(() => readEvidenceBundle(file), `byte ${offset}`).toThrow();
    }
  });
});

describe('mia audit --replay', () => {
  it('replays the bundle bit-identically from a moved copy of the data into a new workspace', () => {
    const moved = path.join(dir, 'moved');
    writeKit(moved);
    const result = mia('audit', '--replay', bundle, '--data-root', moved, '--workspace', path.join(dir, 'replay.sqlite'), '--json');
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { identical: boolean; runs: { identical: boolean; records: number; attack: string }[] };
    expect(report.identical).toBe(true);
    expect(report.runs.map((run) => [run.attack, run.identical, run.records])).toEqual([
      ['loss', true, recordCount],
      ['confidence', true, recordCount],
    ]);
  });

  it('refuses to replay when a model file differs from the provenance, naming the file, before running anything', () => {
    const changed = path.join(dir, 'changed');
    writeKit(changed);
    const model = path.join(changed, 'models', 'target.onnx');
    const bytes = fs.readFileSync(model);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    fs.writeFileSync(model, bytes);
    const replayWorkspace = path.join(dir, 'refused.sqlite');
    const result = mia('audit', '--replay', bundle, '--data-root', changed, '--workspace', replayWorkspace);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/target\.onnx is not the file the audit used.*\[replay\.file-changed\]/);
    const info = JSON.parse(mia('workspace', 'info', '--workspace', replayWorkspace, '--json').stdout) as { counts: { runs: number } };
    expect(info.counts.runs).toBe(0);
  });

  it('exits 1 and names the first differing record when the bundle holds other scores (re-signed)', () => {
    const entries = readTar(fs.readFileSync(bundle), bundle).slice(2);
    const scores = entries.find((entry) => entry.name === 'scores.csv')!;
    const lines = Buffer.from(scores.bytes).toString().split('\r\n');
    const cells = lines[1]!.split(',');
    const scoreColumn = lines[0]!.split(',').indexOf('score');
    cells[scoreColumn] = String(Number(cells[scoreColumn]) + 1e-9);
    const recordKey = cells[lines[0]!.split(',').indexOf('record_key')]!;
    lines[1] = cells.join(',');
    const resigned = path.join(dir, 'resigned.tar');
    const changedEntries = entries.map((entry) =>
      entry.name === 'scores.csv' ? { name: entry.name, bytes: Buffer.from(lines.join('\r\n')) } : entry,
    );
    fs.writeFileSync(
      resigned,
      packEvidenceBundle(changedEntries, { createdAt: new Date(), engineVersion, runIds: [1, 2] }, installationKey()),
    );
    expect(mia('verify', resigned).status).toBe(0);
    const result = mia('audit', '--replay', resigned, '--data-root', kit, '--workspace', path.join(dir, 'resigned.sqlite'));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`scores differ, first at record ${recordKey}`);
    expect(result.stdout).toMatch(/run 2 confidence: replayed as run \d+; all 300 scores bit-identical/);
  });
});
