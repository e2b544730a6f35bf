// The Models view's summary of a stored preprocessing and class names (pure functions shared with the panel).
import { describe, expect, it } from 'vitest';
import { classNamesSummary, preprocessRows } from '../../../src-shared/presentation/preprocess-summary';

const value = (rows: { label: string; value: string }[], label: string) => rows.find((r) => r.label === label)?.value;

describe('preprocessRows', () => {
  it('shows a Hugging Face exact resize without a crop, the filter, RGB conversion and the normalisation', () => {
    const rows = preprocessRows({
      width: 32,
      height: 32,
      channels: 3,
      resize: { resizeTo: { width: 32, height: 32 }, filter: 'bilinear', cropAlign: 'hugging-face' },
      scale: 1 / 255,
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.25, 0.25],
      expandGrey: true,
    });
    expect(value(rows, 'Resize')).toBe('to 32×32 (bilinear)');
    expect(value(rows, 'Crop')).toBe('none');
    expect(value(rows, 'Greyscale to RGB')).toBe('allowed');
    expect(value(rows, 'Rescale')).toBe('× 1/255');
    expect(value(rows, 'Mean')).toBe('0.5, 0.5, 0.5');
    expect(value(rows, 'Std')).toBe('0.25, 0.25, 0.25');
  });

  it('shows a shorter-edge resize with its centre crop, and a legacy stretch', () => {
    const imagenet = preprocessRows({
      width: 224,
      height: 224,
      channels: 3,
      resize: { resizeTo: { shorterEdge: 256 }, filter: 'bicubic' },
    });
    expect(value(imagenet, 'Resize')).toBe('shorter edge to 256 px (bicubic)');
    expect(value(imagenet, 'Crop')).toBe('centre 224×224');
    expect(value(imagenet, 'Greyscale to RGB')).toBe('refused');
    expect(value(preprocessRows({ width: 28, height: 28, channels: 1 }), 'Resize')).toBe('stretched to 28×28');
  });

  it('says "not stated" for a configuration without preprocessing instead of failing', () => {
    expect(preprocessRows(undefined)).toEqual([{ label: 'Preprocessing', value: 'not stated' }]);
  });
});

describe('classNamesSummary', () => {
  it('counts the classes and names the first few', () => {
    expect(classNamesSummary(['a', 'b', 'c', 'd', 'e'])).toBe('5 classes: a, b, c, d, …');
    expect(classNamesSummary(['a', 'b'])).toBe('2 classes: a, b');
    expect(classNamesSummary(undefined)).toBeNull();
  });
});
