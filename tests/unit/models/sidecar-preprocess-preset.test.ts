// A sidecar's preprocessing may name a preset, write a torchvision-style resize and allow grey images; the keys it
// writes itself win over the preset's.
import { describe, expect, test } from 'vitest';
import { imagenetPreprocess } from '../../../src-main/engine/models/preprocess-presets';
import { PreprocessSpec } from '../../../src-main/engine/models/preprocess-spec';
import { ModelSidecar } from '../../../src-main/engine/models/sidecar';

const specOf = (preprocess: unknown) => PreprocessSpec.parse(ModelSidecar.parse({ kind: 'classifier', preprocess }).preprocess);

describe('sidecar preprocessing', () => {
  test('"preset": "imagenet" gives the imagenet preset, and a key the sidecar writes overrides it', () => {
    expect(specOf({ preset: 'imagenet' })).toEqual(PreprocessSpec.parse(imagenetPreprocess));
    const bgr = specOf({ preset: 'imagenet', channel_order: 'BGR', expand_grey: true });
    expect(bgr).toMatchObject({ channelOrder: 'BGR', expandGrey: true, resize: { resizeTo: { shorterEdge: 256 }, filter: 'bilinear' } });
  });

  test('accepts a torchvision-style resize object and still reads the old string modes', () => {
    const resize = { resizeTo: { width: 80, height: 60 }, filter: 'nearest' };
    expect(specOf({ width: 64, height: 48, channels: 3, resize }).resize).toEqual({ ...resize, cropAlign: 'torchvision' });
    expect(specOf({ width: 8, height: 8, channels: 1, resize_mode: 'shorter-side-crop' }).resize).toBe('shorter-side-crop');
  });

  test('refuses a preprocessing without a preset that leaves out the size, and an unknown preset', () => {
    const missing = ModelSidecar.safeParse({ preprocess: { channels: 3 } });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['preprocess.width', 'preprocess.height']);
    expect(ModelSidecar.safeParse({ preprocess: { preset: 'resnet' } }).success).toBe(false);
    expect(ModelSidecar.safeParse({ preprocess: { preset: 'clip', resize: { resizeTo: { shorterEdge: 0 } } } }).success).toBe(false);
  });
});
