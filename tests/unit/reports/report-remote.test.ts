// What the report says of a remote target, from stored descriptors: the protocol in words, the URL and its host, the key
// source named by its variable only (or no key), the components sorted by role with their identity at import; and of a
// run, its budget from the stored configuration and only the run log's info notes that name the endpoint.
import { describe, expect, it } from 'vitest';
import { remoteRunFacts, remoteTargetFacts } from '../../../src-main/services/reports/report-remote';

const identity = (digit: string): string => digit.repeat(64);

describe('remote facts for the report', () => {
  it('is null for a model made of local files', () => {
    expect(remoteTargetFacts({ remote: null })).toBeNull();
  });

  it('describes a KServe v2 target: URL without a trailing slash, host with port, key variable named, roles sorted', () => {
    const facts = remoteTargetFacts({
      remote: {
        endpoint: { url: 'https://triton.example.org:8443/serving/', apiKeyEnv: 'TRITON_KEY' },
        components: {
          text: { model: 'clip-text', identity: identity('b') },
          image: { model: 'clip-image', version: '3', identity: identity('a') },
        },
      },
    });
    expect(facts).toMatchObject({
      protocol: expect.stringMatching(/^KServe v2/),
      url: 'https://triton.example.org:8443/serving',
      host: 'triton.example.org:8443',
    });
    expect(facts!.keySource).toContain('environment variable TRITON_KEY');
    expect(facts!.components).toEqual([
      { role: 'image', model: 'clip-image', version: '3', identity: identity('a') },
      { role: 'text', model: 'clip-text', version: null, identity: identity('b') },
    ]);
  });

  it('describes an image-variation API without a key', () => {
    const facts = remoteTargetFacts({
      remote: {
        protocol: 'image-variation',
        endpoint: { url: 'http://127.0.0.1:8000' },
        components: { variations: { model: 'dall-e-2', identity: identity('c') } },
      },
    });
    expect(facts!.protocol).toMatch(/^Image-variation API .*POST \/v1\/images\/variations/);
    expect(facts!.keySource).toBe('No key was configured for this endpoint.');
  });

  it("takes the run's budget from its configuration and quotes only the info notes that name the endpoint", () => {
    const target = remoteTargetFacts({
      remote: { endpoint: { url: 'http://127.0.0.1:8000' }, components: { model: { model: 'm', identity: identity('d') } } },
    })!;
    const note = 'Remote models: m. Requests: http://127.0.0.1:8000 (12 sent, 0 retried); 3 answered from the cache.';
    const log = [
      { level: 'info', message: 'Run started.' },
      { level: 'warn', message: 'Retrying POST http://127.0.0.1:8000/v2/models/m/infer after 500.' },
      { level: 'info', message: note },
    ];
    expect(remoteRunFacts(target, { queryBudget: 40 }, log)).toEqual({ queryBudget: 40, requestNotes: [note] });
    expect(remoteRunFacts(target, {}, [])).toEqual({ queryBudget: null, requestNotes: [] });
  });
});
