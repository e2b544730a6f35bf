// The JSON files beside a model are read through the regular-file check with `model.*` codes, and a file that is not
// JSON is refused by position without quoting any of its content.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { readModelJsonFile } from '../../../src-main/engine/models/model-json-file';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir('mia-model-json-');

function refusal(file: string): { code: string; message: string } {
  try {
    readModelJsonFile(file, 'Model sidecar', 'model.bad-sidecar');
  } catch (error) {
    if (isMiaError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`${file} was accepted`);
}

describe('readModelJsonFile', () => {
  it('parses a sidecar', () => {
    const file = path.join(dir, 'good.json');
    fs.writeFileSync(file, '{"kind":"classifier"}');
    expect(readModelJsonFile(file, 'Model sidecar', 'model.bad-sidecar')).toEqual({ kind: 'classifier' });
  });

  it("refuses /etc/passwd-shaped text with the caller's code and without quoting it", () => {
    const file = path.join(dir, 'passwd.json');
    fs.writeFileSync(file, 'root:x:0:0:root:/root:/bin/bash\n');
    const { code, message } = refusal(file);
    expect(code).toBe('model.bad-sidecar');
    expect(message).toContain(file);
    expect(message).not.toMatch(/root:x|bin\/bash/);
  });

  it('names the position of the problem when JSON.parse gives one', () => {
    const file = path.join(dir, 'cut.json');
    fs.writeFileSync(file, '{"kind" "classifier"}');
    expect(refusal(file).message).toMatch(/at character 8/);
  });

  it('refuses a missing file and a folder with model.* codes', () => {
    expect(refusal(path.join(dir, 'absent.json')).code).toBe('model.file-missing');
    fs.mkdirSync(path.join(dir, 'folder.json'));
    expect(refusal(path.join(dir, 'folder.json')).code).toBe('model.not-a-file');
  });
});
