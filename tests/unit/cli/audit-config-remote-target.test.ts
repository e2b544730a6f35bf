// The audit config's remote targets: `target.remote` names a served classifier, CLIP pair or denoiser instead of
// local files, never together with `model` or `pipeline`, with a URL that carries no credential; a run's
// `queryBudget` is accepted only for a remote target. Each refusal names the key that is wrong.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAuditConfig } from '../../../src-main/services/audit-config';
import { isMiaError } from '../../../src-main/common/errors';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir('mia-audit-remote-target-');
let written = 0;
const configWith = (target: string, run = '  - attack: loss\n    seed: 1\n'): string => {
  const file = path.join(dir, `config-${(written += 1)}.yaml`);
  fs.writeFileSync(file, `dataset:\n  path: manifest.csv\ntarget:\n${target}runs:\n${run}`);
  return file;
};

function refusal(file: string): { code: string; message: string } {
  try {
    readAuditConfig(file);
  } catch (error) {
    if (isMiaError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`${file} was expected to be refused`);
}

describe('audit config remote target', () => {
  it('reads a served classifier with its sidecar and a run budget', () => {
    const { config } = readAuditConfig(
      configWith(
        '  kind: classifier\n  remote: { url: "https://triton.example:8000", model: resnet, version: "2", apiKeyEnv: TRITON_KEY, pricePerRequest: 0.002 }\n  sidecar: resnet.json\n',
        '  - { attack: loss, seed: 1, queryBudget: 500 }\n',
      ),
    );
    expect(config.target).toEqual({
      kind: 'classifier',
      remote: { url: 'https://triton.example:8000', model: 'resnet', version: '2', apiKeyEnv: 'TRITON_KEY', pricePerRequest: 0.002 },
      sidecar: 'resnet.json',
    });
    expect(config.runs[0]?.queryBudget).toBe(500);
  });

  it('reads a served CLIP pair with a local tokenizer, and a served denoiser with a local scheduler', () => {
    const clip = readAuditConfig(
      configWith(
        '  kind: clip\n  remote: { url: "http://127.0.0.1:8000", imageModel: clip-image, textModel: clip-text }\n  tokenizer: tokenizer.json\n',
        '  - attack: csa\n    seed: 1\n',
      ),
    );
    expect(clip.config.target).toMatchObject({ remote: { imageModel: 'clip-image', textModel: 'clip-text' }, tokenizer: 'tokenizer.json' });
    const diffusion = readAuditConfig(
      configWith(
        '  kind: diffusion\n  remote: { url: "http://127.0.0.1:8000", model: unet }\n  scheduler: scheduler.json\n',
        '  - attack: diffusion-loss\n    seed: 1\n',
      ),
    );
    expect(diffusion.config.target).toMatchObject({ remote: { model: 'unet' }, scheduler: 'scheduler.json' });
  });

  it.each([
    [
      'a classifier with both model and remote',
      '  kind: classifier\n  model: m.onnx\n  remote: { url: "http://127.0.0.1:1", model: m }\n',
      /"model".*"remote"/,
    ],
    [
      'a diffusion target with a pipeline and remote',
      '  kind: diffusion\n  pipeline: p\n  remote: { url: "http://127.0.0.1:1", model: m }\n',
      /"remote"/,
    ],
    [
      'a CLIP pair with local encoders too',
      '  kind: clip\n  remote: { url: "http://127.0.0.1:1", imageModel: i, textModel: t }\n  imageModel: i.onnx\n  tokenizer: t.json\n',
      /"remote"/,
    ],
    [
      'a remote CLIP pair without a tokenizer',
      '  kind: clip\n  remote: { url: "http://127.0.0.1:1", imageModel: i, textModel: t }\n',
      /tokenizer/,
    ],
    [
      'a URL carrying a key',
      '  kind: classifier\n  remote: { url: "https://user:secret@triton.example", model: m }\n',
      /target\.remote\.url/,
    ],
    ['an unknown remote key', '  kind: classifier\n  remote: { url: "http://127.0.0.1:1", model: m, apiKey: secret }\n', /apiKey/],
    ['an ftp URL', '  kind: classifier\n  remote: { url: "ftp://triton.example", model: m }\n', /target\.remote\.url/],
  ])('refuses %s, naming the key', (_, target, named) => {
    const { code, message } = refusal(configWith(target));
    expect(code).toBe('config.invalid');
    expect(message).toMatch(named);
  });

  it('refuses a query budget on a run whose target is a local file', () => {
    const { code, message } = refusal(
      configWith('  kind: classifier\n  model: m.onnx\n', '  - { attack: loss, seed: 1, queryBudget: 10 }\n'),
    );
    expect(code).toBe('config.invalid');
    expect(message).toContain('runs[0].queryBudget');
  });
});
