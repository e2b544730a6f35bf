// Exported reports are signed: `mia export` writes NAME.sig beside every file it writes, and `mia verify FILE` says
// which key signed it (this installation, or another key with its fingerprint) and refuses a file or a signature
// that was changed, including one whose SHA-256 was recomputed.
import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/cli';
import { fingerprintOf, publicKeyText, signDigest } from '../../src-main/common/signatures';
import { DetachedSignature, signatureFileOf } from '../../src-main/services/signing/file-signature';
import { installationKey } from '../../src-main/services/signing/installation-key';
import { writeSyntheticRuns } from '../helpers/synthetic-runs';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-report-signature-');
const workspace = path.join(dir, 'workspace.sqlite');
const exported = path.join(dir, 'export');
const pdf = path.join(exported, 'report.pdf');
const scores = path.join(exported, 'scores.csv');

async function mia(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runCli(
    args,
    sink((text) => (out += text)),
    sink((text) => (err += text)),
  );
  return { code, out, err };
}

/** A copy of the export under `name`, with `change` applied to one of its files. */
function tampered(name: string, file: string, change: (bytes: Buffer) => Buffer): string {
  const folder = path.join(dir, name);
  fs.cpSync(exported, folder, { recursive: true });
  const target = path.join(folder, file);
  fs.writeFileSync(target, change(fs.readFileSync(target)));
  return folder;
}

const readSignature = (file: string): DetachedSignature =>
  DetachedSignature.parse(JSON.parse(fs.readFileSync(signatureFileOf(file), 'utf8')));
const signatureBytes = (signature: DetachedSignature): Buffer => Buffer.from(JSON.stringify(signature));

beforeAll(async () => {
  const { db, runIds } = writeSyntheticRuns(workspace, { records: 200, runs: 1 });
  db.close();
  const result = await mia(['export', String(runIds[0]), '--pdf', pdf, '--csv', scores, '--workspace', workspace]);
  if (result.code !== 0) throw new Error(`mia export failed: ${result.err}`);
}, 120_000);

describe('signed reports', () => {
  it("writes a signature beside every exported file, naming this installation's key and the file's SHA-256", () => {
    expect(fs.readdirSync(exported).sort()).toEqual([
      'report.pdf',
      'report.pdf.sig',
      'scores.csv',
      'scores.csv.sig',
      'scores.metrics.csv',
      'scores.metrics.csv.sig',
    ]);
    const key = installationKey();
    for (const name of ['report.pdf', 'scores.csv', 'scores.metrics.csv']) {
      expect(readSignature(path.join(exported, name))).toMatchObject({
        file: name,
        algorithm: 'ed25519',
        publicKey: key.publicKey,
        fingerprint: fingerprintOf(key.publicKey),
      });
    }
  });

  it('verifies each file and names this installation as the signer', async () => {
    const fingerprint = fingerprintOf(installationKey().publicKey);
    for (const file of [pdf, scores]) {
      const result = await mia(['verify', file]);
      expect(result.code, result.err).toBe(0);
      expect(result.out).toContain(`signed by this installation (fingerprint ${fingerprint})`);
    }
    const json = await mia(['verify', pdf, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      file: pdf,
      signer: { kind: 'this-installation', fingerprint },
      sha256: readSignature(pdf).sha256,
    });
  });

  it("names another installation's key by its fingerprint", async () => {
    const own = process.env.MIA_CONFIG_DIR;
    process.env.MIA_CONFIG_DIR = path.join(dir, 'other-config');
    try {
      const result = await mia(['verify', pdf]);
      expect(result.code, result.err).toBe(0);
      expect(result.out).toContain(`signed by another key (fingerprint ${readSignature(pdf).fingerprint})`);
    } finally {
      process.env.MIA_CONFIG_DIR = own;
    }
  });

  it('refuses a file changed after it was signed (signature.file-changed)', async () => {
    const folder = tampered('edited-csv', 'scores.csv', (bytes) => Buffer.concat([bytes, Buffer.from('r9999,0.99\n')]));
    const result = await mia(['verify', path.join(folder, 'scores.csv')]);
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('[signature.file-changed]') });
  });

  it('refuses a changed file whose SHA-256 was recomputed in its signature file (signature.bad-signature)', async () => {
    const folder = tampered('recomputed', 'scores.csv', (bytes) => Buffer.concat([bytes, Buffer.from('r9999,0.99\n')]));
    const file = path.join(folder, 'scores.csv');
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    fs.writeFileSync(signatureFileOf(file), signatureBytes({ ...readSignature(file), sha256 }));
    const result = await mia(['verify', file]);
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('[signature.bad-signature]') });
  });

  it('refuses a signature file whose fingerprint does not belong to its key, or that is missing', async () => {
    const folder = tampered('fingerprint', 'report.pdf.sig', (bytes) => {
      const signature = DetachedSignature.parse(JSON.parse(bytes.toString('utf8')));
      return signatureBytes({
        ...signature,
        fingerprint: fingerprintOf(installationKey({ MIA_CONFIG_DIR: path.join(dir, 'third') }).publicKey),
      });
    });
    expect(await mia(['verify', path.join(folder, 'report.pdf')])).toMatchObject({
      code: 1,
      err: expect.stringContaining('[signature.invalid]'),
    });
    fs.rmSync(path.join(folder, 'report.pdf.sig'));
    expect(await mia(['verify', path.join(folder, 'report.pdf')])).toMatchObject({
      code: 1,
      err: expect.stringContaining('[signature.missing]'),
    });
  });

  it("reports a file re-signed with someone else's key as signed by another key, never by this installation", async () => {
    // What a signature cannot prevent: anyone can sign a file with their own key. `mia verify` then names that key.
    const folder = tampered('re-signed', 'scores.csv', (bytes) => Buffer.concat([bytes, Buffer.from('r9999,0.99\n')]));
    const file = path.join(folder, 'scores.csv');
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const privateKey = generateKeyPairSync('ed25519').privateKey;
    const attacker = { privateKey, publicKey: publicKeyText(privateKey) };
    const signature = {
      ...readSignature(file),
      sha256,
      publicKey: attacker.publicKey,
      fingerprint: fingerprintOf(attacker.publicKey),
      signature: signDigest(attacker, 'report-file', sha256),
    };
    fs.writeFileSync(signatureFileOf(file), signatureBytes(signature));
    const result = await mia(['verify', file]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(`signed by another key (fingerprint ${fingerprintOf(attacker.publicKey)})`);
    expect(result.out).not.toContain('this installation');
  });
});
