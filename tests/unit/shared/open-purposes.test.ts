// The table of what can be chosen to open: which file names fit a purpose (the browser picker's filter, the app
// dialog's filters) and that folder purposes take no file endings.
import { describe, expect, it } from 'vitest';
import { fileFitsPurpose, OpenPurpose, openPurposeRules } from '../../../src-shared/domain/open-purposes';

describe('open purposes', () => {
  it('fits a file by its ending, whatever its case, and nothing else', () => {
    expect(fileFitsPurpose('manifest.csv', 'dataset-manifest-csv')).toBe(true);
    expect(fileFitsPurpose('MANIFEST.CSV', 'dataset-manifest-csv')).toBe(true);
    expect(fileFitsPurpose('manifest.csv.bak', 'dataset-manifest-csv')).toBe(false);
    expect(fileFitsPurpose('csv', 'dataset-manifest-csv')).toBe(false);
    expect(fileFitsPurpose('records.jsonl', 'dataset-manifest-jsonl')).toBe(true);
    expect(fileFitsPurpose('target.onnx', 'onnx-model')).toBe(true);
    expect(fileFitsPurpose('target.onnx.json', 'onnx-model')).toBe(false);
    expect(fileFitsPurpose('target.onnx.json', 'model-sidecar')).toBe(true);
  });

  it('takes any file where names carry no ending (IDX, CIFAR batches, programs)', () => {
    expect(fileFitsPurpose('train-images-idx3-ubyte', 'idx-images')).toBe(true);
    expect(fileFitsPurpose('t10k-labels-idx1-ubyte.gz', 'idx-labels')).toBe(true);
    expect(fileFitsPurpose('data_batch_1', 'cifar-batch')).toBe(true);
    expect(fileFitsPurpose('python3', 'python-interpreter')).toBe(true);
  });

  it('has a title for every purpose, and endings only for files, lower case and without the dot', () => {
    for (const purpose of OpenPurpose.options) {
      const rule = openPurposeRules[purpose];
      expect(rule.title.length).toBeGreaterThan(0);
      if (rule.kind === 'folder') expect(rule.extensions).toEqual([]);
      for (const extension of rule.extensions) expect(extension).toMatch(/^[a-z0-9]+$/);
    }
    expect(openPurposeRules['imagefolder-root'].kind).toBe('folder');
  });
});
