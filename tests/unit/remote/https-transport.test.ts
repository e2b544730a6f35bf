// HTTPS targets keep certificate checks on: a self-signed server is refused without caFile and accepted with it.
// The certificate is made with openssl at test time, for 127.0.0.1 only.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../../src-main/engine/remote/http-transport';
import { openKserveModel } from '../../../src-main/engine/remote/kserve-model';
import { startKserveTestServer, type KserveTestServer } from '../../helpers/kserve-test-server';
import { makeTempDir } from '../../helpers/temp-dir';
import { caught, classifierFile, quickTarget } from './helpers/remote-fixture';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(hasOpenssl())('https targets', () => {
  const dir = makeTempDir('mia-remote-tls-');
  const caFile = path.join(dir, 'cert.pem');
  let server: KserveTestServer;

  beforeAll(async () => {
    const keyFile = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        caFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    server = await startKserveTestServer({
      modelFile: classifierFile,
      tls: { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(caFile, 'utf8') },
      token: 'tls-token',
    });
  });
  afterAll(() => server.close());

  it('refuses a certificate it cannot verify, without retrying', async () => {
    const transport = createHttpTransport(quickTarget(server.url));
    const error = await caught(transport.send({ method: 'GET', path: '/v2/health/ready' }));
    expect(error.code).toBe('remote.tls-failed');
    expect(error.message).toContain('caFile');
    expect(transport.counts.sent).toBe(1);
  });

  it('accepts it when caFile names the certificate, and serves the model with the key', async () => {
    const target = quickTarget(server.url, { caFile, apiKeyEnv: 'MIA_TLS_KEY' });
    const model = await openKserveModel(target, { env: { MIA_TLS_KEY: 'tls-token' } });
    expect(model.file).toBe(`kserve:${server.url}/v2/models/classifier`);
    expect(server.seen.at(-1)?.authorization).toBe('Bearer tls-token');
  });

  it('names an unreadable caFile', async () => {
    const error = (() => {
      try {
        createHttpTransport(quickTarget(server.url, { caFile: path.join(dir, 'missing.pem') }));
      } catch (thrown) {
        return thrown as { code: string; message: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('remote.ca-file-unreadable');
    expect(error?.message).toContain('missing.pem');
  });
});
