import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../src-main/electron/sender-guard';

const fileRenderer = 'file:///opt/mia/resources/app/out/renderer/index.html';

describe('IPC sender guard', () => {
  it('accepts the workbench renderer loaded from its own index.html', () => {
    expect(isTrustedSender('file:///opt/mia/resources/app/out/renderer/index.html#/datasets', fileRenderer)).toBe(true);
  });

  it('refuses another local file, a remote page and a missing frame', () => {
    expect(isTrustedSender('file:///tmp/evil.html', fileRenderer)).toBe(false);
    expect(isTrustedSender('https://example.org/index.html', fileRenderer)).toBe(false);
    expect(isTrustedSender('file://evil-host/opt/mia/resources/app/out/renderer/index.html', fileRenderer)).toBe(false);
    expect(isTrustedSender(undefined, fileRenderer)).toBe(false);
    expect(isTrustedSender('not a url', fileRenderer)).toBe(false);
  });

  it('accepts only the dev server origin when running from it', () => {
    expect(isTrustedSender('http://localhost:5173/#/runs', 'http://localhost:5173/')).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isTrustedSender('http://127.0.0.1:5173/', 'http://localhost:5173/')).toBe(false);
  });
});
