// serve.yaml: paths resolved against the file, defaults filled, and every mistake refused with the file and field named.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiaError } from '../../../src-main/common/errors';
import { readServeConfig } from '../../../src-main/services/model-server/serve-config';
import { makeTempDir, repoRoot } from '../../helpers/temp-dir';

const dir = makeTempDir();
let counter = 0;
const write = (text: string) => {
  counter += 1;
  const file = path.join(dir, `serve-${counter}.yaml`);
  fs.writeFileSync(file, text);
  return file;
};

function refusal(file: string): MiaError {
  try {
    readServeConfig(file);
  } catch (error) {
    if (error instanceof MiaError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readServeConfig', () => {
  it('reads the demo config with absolute paths and defaults', () => {
    const config = readServeConfig(path.join(repoRoot, 'resources', 'demo', 'remote', 'serve.yaml'));
    expect(config.models.map((model) => model.name)).toEqual(['classifier', 'clip-image', 'clip-text', 'diffusion']);
    expect(config.models[0]!.onnx).toBe(path.join(repoRoot, 'resources', 'demo', 'classifier', 'target.onnx'));
    expect(config.variations!.pipeline).toBe(path.join(repoRoot, 'resources', 'demo', 'latent-diffusion'));
    expect(config.maxBodyBytes).toBe(16 * 1024 * 1024);
    expect(config.tokenEnv).toBeUndefined();
  });

  const refused: [string, string, string, RegExp][] = [
    ['an unknown key', 'models: []\nport: 80\n', 'config.invalid', /port/],
    ['a model without onnx', 'models:\n  - name: a\n', 'config.invalid', /models\.0\.onnx/],
    ['a name that is no URL segment', 'models:\n  - name: a/b\n    onnx: x.onnx\n', 'config.invalid', /models\.0\.name/],
    [
      'a name served twice',
      'models:\n  - { name: a, onnx: x.onnx }\n  - { name: a, onnx: y.onnx }\n',
      'config.invalid',
      /models\[1\].*served twice/,
    ],
    ['a bad environment variable name', 'tokenEnv: "MY-TOKEN"\n', 'config.invalid', /tokenEnv/],
    ['variations with both targets', 'variations: { pipeline: p, model: m.onnx }\n', 'config.invalid', /variations.*exactly one/],
    ['variations with neither target', 'variations: { t: 10 }\n', 'config.invalid', /exactly one/],
    ['a body limit out of range', 'maxBodyBytes: 10\n', 'config.invalid', /maxBodyBytes/],
    ['YAML that does not parse', 'models: [\n', 'config.syntax', /not valid YAML/],
  ];
  for (const [what, text, code, message] of refused) {
    it(`refuses ${what}, naming the file and field`, () => {
      const file = write(text);
      const error = refusal(file);
      expect(error.code).toBe(code);
      expect(error.message).toContain(file);
      expect(error.message).toMatch(message);
    });
  }

  it('refuses a file that does not exist', () => {
    expect(refusal(path.join(dir, 'missing.yaml')).code).toBe('config.unreadable');
  });
});
