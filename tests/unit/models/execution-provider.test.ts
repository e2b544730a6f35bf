// The execution provider's resolution rules, and what the real onnxruntime-node here (no CUDA libraries) answers.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { checkProviderAvailability, selectExecutionProvider } from '../../../src-main/engine/models/execution-provider';
import { parseProviderRequest, resolveProviderRequest } from '../../../src-main/engine/models/execution-provider-request';
import { providerProbeModel } from '../../../src-main/engine/models/provider-probe-model';

async function caughtCode(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isMiaError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

const setting = (value: string | null) => ({ key: 'engine.execution-provider', value });

describe('execution provider request', () => {
  it('reads cpu, cuda and cuda,cpu in any case and spacing', () => {
    expect(parseProviderRequest('cpu', 'x')).toEqual({ provider: 'cpu', fallbackToCpu: false });
    expect(parseProviderRequest('CUDA', 'x')).toEqual({ provider: 'cuda', fallbackToCpu: false });
    expect(parseProviderRequest(' cuda , cpu ', 'x')).toEqual({ provider: 'cuda', fallbackToCpu: true });
  });

  it.each(['gpu', 'cpu,cuda', 'cuda,cuda', 'cuda,cpu,cpu', ''])('refuses "%s", naming the source and the value', (value) => {
    expect(() => parseProviderRequest(value, '$MIA_ENGINE_PROVIDER')).toThrowError(
      expect.objectContaining({ code: 'engine.bad-provider', message: expect.stringContaining(`$MIA_ENGINE_PROVIDER is "${value}"`) }),
    );
  });

  it('takes the environment variable over the setting, the setting when the variable is unset or blank, else cpu', () => {
    expect(resolveProviderRequest({ environment: 'cuda,cpu', setting: setting('cpu') })).toEqual({ provider: 'cuda', fallbackToCpu: true });
    expect(resolveProviderRequest({ environment: '  ', setting: setting('cuda') })).toEqual({ provider: 'cuda', fallbackToCpu: false });
    expect(resolveProviderRequest({ environment: undefined, setting: setting(null) })).toEqual({ provider: 'cpu', fallbackToCpu: false });
    expect(() => resolveProviderRequest({ environment: undefined, setting: setting('tpu') })).toThrowError(
      expect.objectContaining({ code: 'engine.bad-provider', message: expect.stringContaining('engine.execution-provider is "tpu"') }),
    );
  });
});

describe('execution provider availability (the real onnxruntime-node, which has no CUDA libraries here)', () => {
  it('opens the probe model on the CPU and passes its input through', async () => {
    const session = await ort.InferenceSession.create(providerProbeModel(), { executionProviders: ['cpu'] });
    const output = await session.run({ x: new ort.Tensor('float32', Float32Array.from([3.5]), [1]) });
    expect([...(output.y!.data as Float32Array)]).toEqual([3.5]);
    await session.release();
    await expect(selectExecutionProvider({ provider: 'cpu', fallbackToCpu: false })).resolves.toEqual({ provider: 'cpu', note: null });
  });

  it('refuses cuda with engine.provider-unavailable, naming the provider, the libraries and the fallback', async () => {
    const refusal = await caughtCode(selectExecutionProvider({ provider: 'cuda', fallbackToCpu: false }));
    expect(refusal.code).toBe('engine.provider-unavailable');
    expect(refusal.message).toContain('The cuda execution provider is unavailable');
    expect(refusal.message).toContain('libonnxruntime_providers_cuda.so');
    expect(refusal.message).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    expect(refusal.message).toContain('MIA_ENGINE_PROVIDER=cuda,cpu');
  });

  it('falls back to the CPU with a note when the request allows it', async () => {
    const selected = await selectExecutionProvider({ provider: 'cuda', fallbackToCpu: true });
    expect(selected.provider).toBe('cpu');
    expect(selected.note).toContain('cuda execution provider was asked for but is unavailable');
  });

  it('checks once per process: the second answer is the cached one', async () => {
    expect(checkProviderAvailability('cuda')).toBe(checkProviderAvailability('cuda'));
  });
});
