// The audit config's CLIP target takes one of two shapes: a combined model (`model`, a file or an Optimum folder) or
// split encoders (`imageModel`, `textModel`, `tokenizer`); a mix or half of one is refused before anything runs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAuditConfig } from '../../../src-main/services/audit-config';
import { errorCodeOf } from '../../helpers/error-code';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir('mia-audit-clip-target-');
const withTarget = (name: string, target: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `dataset:\n  path: manifest.csv\ntarget:\n  kind: clip\n${target}runs:\n  - attack: csa\n    seed: 1\n`);
  return file;
};

describe('audit config CLIP target', () => {
  it('reads a combined model folder', () => {
    const { config } = readAuditConfig(withTarget('combined.yaml', '  model: clip-combined\n'));
    expect(config.target).toEqual({ kind: 'clip', model: 'clip-combined' });
  });

  it('reads split encoders as before', () => {
    const { config } = readAuditConfig(
      withTarget('split.yaml', '  imageModel: i.onnx\n  textModel: t.onnx\n  tokenizer: tokenizer.json\n'),
    );
    expect(config.target).toMatchObject({ imageModel: 'i.onnx', textModel: 't.onnx', tokenizer: 'tokenizer.json' });
  });

  it.each([
    ['both shapes', '  model: m.onnx\n  imageModel: i.onnx\n  textModel: t.onnx\n  tokenizer: tokenizer.json\n'],
    ['a combined model with a text encoder', '  model: m.onnx\n  textModel: t.onnx\n'],
    ['split encoders without a tokenizer', '  imageModel: i.onnx\n  textModel: t.onnx\n'],
    ['neither', '  name: nothing\n'],
  ])('refuses %s', (_, target) => {
    expect(errorCodeOf(() => readAuditConfig(withTarget(`bad-${target.length}.yaml`, target)))).toBe('config.invalid');
  });
});
