// The model server's token: from the named environment variable or generated, and matched only as an exact bearer.
import { describe, expect, it } from 'vitest';
import { carriesToken, serverToken } from '../../../src-main/services/model-server/bearer-token';

describe('serverToken', () => {
  it('reads the named variable, and generates a fresh token when none is named', () => {
    expect(serverToken('SERVE_TOKEN', { SERVE_TOKEN: 's3cret' })).toEqual({ value: 's3cret', generated: false });
    const first = serverToken(undefined, {});
    const second = serverToken(undefined, {});
    expect(first.generated).toBe(true);
    expect(first.value.length).toBeGreaterThanOrEqual(32);
    expect(first.value).not.toBe(second.value);
  });

  it('refuses a named variable that is unset or empty, naming it', () => {
    for (const env of [{}, { SERVE_TOKEN: '  ' }]) {
      expect(() => serverToken('SERVE_TOKEN', env)).toThrow(/SERVE_TOKEN/);
    }
  });
});

describe('carriesToken', () => {
  it('accepts exactly "Bearer TOKEN" (any case of the scheme)', () => {
    expect(carriesToken('Bearer abc', 'abc')).toBe(true);
    expect(carriesToken('bearer abc', 'abc')).toBe(true);
  });

  it('refuses a missing, different, longer, shorter or non-bearer credential', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Bearer abd',
      'Bearer abcd',
      'Bearer ab',
      'Basic abc',
      'abc',
      'Bearer abc abc',
    ]) {
      expect(carriesToken(header, 'abc'), String(header)).toBe(false);
    }
  });
});
