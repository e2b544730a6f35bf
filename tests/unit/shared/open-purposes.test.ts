// The table of what can be chosen to open: which file names fit a purpose (the browser picker's filter, the app
// dialog's filters), which folders may be chosen as a whole (a model folder holding model.onnx), and what the
// native dialog selects on each platform.
import { describe, expect, it } from 'vitest';
import { openDialogOptions, openDialogSelects } from '../../../src-main/electron/open-dialog-options';
import { fileFitsPurpose, folderFitsPurpose, OpenPurpose, openPurposeRules } from '../../../src-shared/domain/open-purposes';

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
      expect(rule.folderHolds !== undefined).toBe(rule.kind === 'file-or-folder');
      for (const extension of rule.extensions) expect(extension).toMatch(/^[a-z0-9]+$/);
    }
    expect(openPurposeRules['imagefolder-root'].kind).toBe('folder');
  });

  it('takes a model folder only when it holds model.onnx, any folder for a folder purpose and none for a file purpose', () => {
    expect(fileFitsPurpose('target.onnx', 'onnx-model-or-folder')).toBe(true);
    expect(fileFitsPurpose('config.json', 'onnx-model-or-folder')).toBe(false);
    expect(folderFitsPurpose(['config.json', 'model.onnx', 'preprocessor_config.json'], 'onnx-model-or-folder')).toBe(true);
    expect(folderFitsPurpose(['config.json', 'target.onnx'], 'onnx-model-or-folder')).toBe(false);
    expect(folderFitsPurpose(['model.onnx.json'], 'onnx-model-or-folder')).toBe(false);
    expect(folderFitsPurpose(['model.onnx'], 'onnx-model')).toBe(false);
    expect(folderFitsPurpose([], 'imagefolder-root')).toBe(true);
  });

  it('asks the native dialog for a file or a folder only on macOS, where one dialog can select both', () => {
    expect(openDialogSelects('onnx-model-or-folder', 'darwin')).toEqual(['openFile', 'openDirectory']);
    // Elsewhere both flags would show a folder selector, hiding the .onnx files: the file dialog it is.
    expect(openDialogSelects('onnx-model-or-folder', 'linux')).toEqual(['openFile']);
    expect(openDialogSelects('onnx-model-or-folder', 'win32')).toEqual(['openFile']);
    expect(openDialogSelects('onnx-model', 'darwin')).toEqual(['openFile']);
    expect(openDialogSelects('imagefolder-root', 'linux')).toEqual(['openDirectory']);
    const options = openDialogOptions('onnx-model-or-folder', 'darwin', 'documents');
    expect(options.filters?.[0]).toEqual({ name: openPurposeRules['onnx-model-or-folder'].title, extensions: ['onnx'] });
    expect(openDialogOptions('imagefolder-root', 'darwin', 'documents').filters).toBeUndefined();
  });
});
