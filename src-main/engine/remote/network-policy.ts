// The network rules every remote target obeys before a byte is sent: plain http only to loopback (unless the target
// allows it), certificate checks always on with an optional extra CA file, and the bearer key read from the
// environment variable the target names.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { MiaError } from '../../common/errors';
import { targetBaseUrl, type RemoteTarget } from './remote-target';

/** localhost, 127.0.0.0/8 and ::1: addresses that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.split('.')[0] === '127';
  if (net.isIPv6(host)) {
    if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
    // An IPv4-mapped loopback (::ffff:127.0.0.1, which URL writes as ::ffff:7f00:1).
    const mapped = /^::ffff:(.+)$/.exec(host)?.[1];
    if (mapped === undefined) return false;
    if (net.isIPv4(mapped)) return mapped.startsWith('127.');
    return /^7f[0-9a-f]{2}:/.test(mapped);
  }
  return false;
}

/** Refuses plain http to a host beyond this machine unless the target says `allowInsecureHttp: true`. */
export function checkTransportSecurity(target: Pick<RemoteTarget, 'url' | 'allowInsecureHttp'>): void {
  const url = new URL(target.url);
  if (url.protocol === 'http:' && !target.allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new MiaError(
      'remote.insecure-http',
      `${targetBaseUrl(target)} uses plain http to ${url.hostname}, which is not this machine; use https, or set allowInsecureHttp: true for this target to send requests (and any key) unencrypted.`,
      { url: targetBaseUrl(target) },
    );
  }
}

/**
 * The bearer key from the environment variable the target names; undefined when it names none. The key itself is
 * never put in an error, a log or a cache key: only the variable's name is.
 */
export function readApiKey(target: Pick<RemoteTarget, 'url' | 'apiKeyEnv'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (target.apiKeyEnv === undefined) return undefined;
  const key = env[target.apiKeyEnv];
  if (key === undefined || key.trim() === '') {
    throw new MiaError(
      'remote.api-key-missing',
      `The target ${targetBaseUrl(target)} reads its key from the environment variable ${target.apiKeyEnv}, which is not set (or empty); set it before starting the run.`,
      { apiKeyEnv: target.apiKeyEnv },
    );
  }
  if (/[\r\n]/.test(key)) {
    throw new MiaError('remote.api-key-invalid', `The environment variable ${target.apiKeyEnv} holds a line break; a key is one line.`, {
      apiKeyEnv: target.apiKeyEnv,
    });
  }
  return key.trim();
}

/** The CAs to trust for an https target: the system's roots, plus the target's `caFile` when it names one. */
export function trustedCertificates(target: Pick<RemoteTarget, 'url' | 'caFile'>): string[] | undefined {
  if (target.caFile === undefined) return undefined; // node's defaults
  let pem: string;
  try {
    pem = fs.readFileSync(target.caFile, 'utf8');
  } catch (error) {
    throw new MiaError(
      'remote.ca-file-unreadable',
      `The CA file ${target.caFile} of ${targetBaseUrl(target)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected a PEM file of certificates.`,
      { file: target.caFile },
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new MiaError('remote.ca-file-unreadable', `The CA file ${target.caFile} of ${targetBaseUrl(target)} holds no PEM certificate.`, {
      file: target.caFile,
    });
  }
  return [...tls.rootCertificates, pem];
}
