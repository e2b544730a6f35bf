// This installation's signing key: created once on first use, private to the user, refused when others can read
// it, and told apart from other keys by a fingerprint computed from the key itself.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userConfigFolder } from '../../../src-main/common/default-workspace';
import { fingerprintOf, signDigest, verifyDigest } from '../../../src-main/common/signatures';
import {
  describeSigner,
  existingInstallationKey,
  identifySigner,
  installationKey,
  installationKeyFile,
} from '../../../src-main/services/signing/installation-key';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir('mia-key-');
const digest = 'ab'.repeat(32);

describe('installation key', () => {
  it('finds the configuration folder in $MIA_CONFIG_DIR, else $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(userConfigFolder({ MIA_CONFIG_DIR: '/x/conf', XDG_CONFIG_HOME: '/y' })).toBe('/x/conf');
    expect(userConfigFolder({ XDG_CONFIG_HOME: '/y' })).toBe(path.join('/y', 'mia-workbench'));
    expect(userConfigFolder({})).toMatch(/[/\\]\.config[/\\]mia-workbench$/);
  });

  it('is created on first use with mode 0600 in a 0700 folder, and is the same key afterwards', () => {
    const env = { MIA_CONFIG_DIR: path.join(dir, 'fresh', 'config') };
    expect(existingInstallationKey(env)).toBeNull();
    const key = installationKey(env);
    expect(fs.statSync(installationKeyFile(env)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(env.MIA_CONFIG_DIR).mode & 0o777).toBe(0o700);
    expect(installationKey(env).publicKey).toBe(key.publicKey);
    expect(fs.readdirSync(env.MIA_CONFIG_DIR)).toEqual(['signing-key.pem']);
  });

  it("tells its own signatures from another key's, without creating a key to compare with", () => {
    const env = { MIA_CONFIG_DIR: path.join(dir, 'own') };
    const other = { MIA_CONFIG_DIR: path.join(dir, 'other') };
    const otherKey = installationKey(other);
    expect(identifySigner(otherKey.publicKey, env)).toEqual({ kind: 'another-key', fingerprint: fingerprintOf(otherKey.publicKey) });
    expect(fs.existsSync(installationKeyFile(env))).toBe(false);
    const own = installationKey(env);
    expect(identifySigner(own.publicKey, env)).toMatchObject({ kind: 'this-installation' });
    expect(describeSigner(identifySigner(own.publicKey, env))).toBe(
      `signed by this installation (fingerprint ${fingerprintOf(own.publicKey)})`,
    );
    expect(fingerprintOf(own.publicKey)).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){15}$/);
    expect(fingerprintOf(own.publicKey)).not.toBe(fingerprintOf(otherKey.publicKey));
  });

  it('signs a statement that names the kind of file, so a report signature is no backup signature', () => {
    const key = installationKey({ MIA_CONFIG_DIR: path.join(dir, 'kinds') });
    const signature = signDigest(key, 'report-file', digest);
    expect(verifyDigest(key.publicKey, 'report-file', digest, signature)).toBe(true);
    expect(verifyDigest(key.publicKey, 'workspace-backup', digest, signature)).toBe(false);
    expect(verifyDigest(key.publicKey, 'report-file', 'cd'.repeat(32), signature)).toBe(false);
  });

  it('refuses a key file that other users can read (signing.key-exposed)', () => {
    const env = { MIA_CONFIG_DIR: path.join(dir, 'exposed') };
    installationKey(env);
    fs.chmodSync(installationKeyFile(env), 0o644);
    expect(() => installationKey(env)).toThrow(
      expect.objectContaining({ code: 'signing.key-exposed', message: expect.stringContaining('chmod 600') }),
    );
  });

  it('refuses a key file that is not an Ed25519 key, without echoing its content (signing.key-invalid)', () => {
    const env = { MIA_CONFIG_DIR: path.join(dir, 'garbage') };
    fs.mkdirSync(env.MIA_CONFIG_DIR, { recursive: true });
    fs.writeFileSync(installationKeyFile(env), 'secret-looking words\n', { mode: 0o600 });
    let caught: unknown;
    try {
      installationKey(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'signing.key-invalid' });
    expect((caught as Error).message).not.toContain('secret-looking');
  });
});
