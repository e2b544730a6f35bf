// Hugging Face preprocessor_config.json → preprocessing spec: ViT-, ConvNeXt- and CLIP-style configs, the integer
// `size` rules, and the refusals (unsupported filters, sizes that contradict the model's input shape).
import { describe, expect, test } from 'vitest';
import { MiaError } from '../../../src-main/common/errors';
import { preprocessFromHuggingFace } from '../../../src-main/engine/models/preprocess-from-hugging-face';
import { clipPreprocess } from '../../../src-main/engine/models/preprocess-presets';
import { PreprocessSpec } from '../../../src-main/engine/models/preprocess-spec';

const vit = {
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.5, 0.5, 0.5],
  image_processor_type: 'ViTImageProcessor',
  image_std: [0.5, 0.5, 0.5],
  resample: 2,
  rescale_factor: 0.00392156862745098,
  size: { height: 224, width: 224 },
};

const convnext = {
  crop_pct: 0.875,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.485, 0.456, 0.406],
  image_processor_type: 'ConvNextImageProcessor',
  image_std: [0.229, 0.224, 0.225],
  resample: 3,
  rescale_factor: 0.00392156862745098,
  size: { shortest_edge: 224 },
};

const clip = {
  crop_size: 224,
  do_center_crop: true,
  do_normalize: true,
  do_resize: true,
  do_convert_rgb: true,
  feature_extractor_type: 'CLIPFeatureExtractor',
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3,
  size: 224,
};

function refusal(run: () => unknown): MiaError {
  try {
    run();
  } catch (error) {
    if (error instanceof MiaError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('preprocessFromHuggingFace', () => {
  test('a ViT-style config resizes straight to its height×width with bilinear and normalises with 0.5', () => {
    const spec = preprocessFromHuggingFace(vit, [1, 3, 224, 224]);
    expect(spec).toMatchObject({
      width: 224,
      height: 224,
      channels: 3,
      resize: { resizeTo: { width: 224, height: 224 }, filter: 'bilinear', cropAlign: 'hugging-face' },
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      expandGrey: false,
    });
    expect(spec.scale).toBeCloseTo(1 / 255, 12);
  });

  test('a ConvNeXt-style config resizes the shorter edge to size / crop_pct and crops size×size', () => {
    const spec = preprocessFromHuggingFace(convnext, [1, 3, 224, 224]);
    expect(spec.resize).toEqual({ resizeTo: { shorterEdge: 256 }, filter: 'bicubic', cropAlign: 'hugging-face' });
    expect([spec.width, spec.height]).toEqual([224, 224]);
    // From 384 px up ConvNeXt's processor warps to size×size without a crop.
    const large = preprocessFromHuggingFace({ ...convnext, size: { shortest_edge: 384 } }, [1, 3, 384, 384]);
    expect(large.resize).toEqual({ resizeTo: { width: 384, height: 384 }, filter: 'bicubic', cropAlign: 'hugging-face' });
  });

  test('a CLIP-style config reads an integer size as the shortest edge and matches the clip preset but for the crop rounding', () => {
    const spec = preprocessFromHuggingFace(clip, [1, 3, 224, 224]);
    const preset = PreprocessSpec.parse(clipPreprocess);
    expect({ ...spec, resize: { ...(spec.resize as object), cropAlign: 'torchvision' }, expandGrey: undefined }).toEqual({
      ...preset,
      expandGrey: undefined,
    });
    expect(spec.expandGrey).toBe(true);
    // The same integer means a square for processors that default to squares (ViT, DeiT, …).
    const deit = preprocessFromHuggingFace({ ...clip, feature_extractor_type: 'DeiTFeatureExtractor', size: 256 }, [1, 3, 224, 224]);
    expect(deit.resize).toMatchObject({ resizeTo: { width: 256, height: 256 } });
  });

  test('without normalisation or rescaling the spec keeps the raw values', () => {
    const spec = preprocessFromHuggingFace({ ...vit, do_normalize: false, do_rescale: false }, [1, 3, 224, 224]);
    expect([spec.scale, spec.mean, spec.std]).toEqual([1, [0], [1]]);
  });

  test('refuses a crop that contradicts the model input, naming both sizes', () => {
    const error = refusal(() => preprocessFromHuggingFace(clip, [1, 3, 336, 336]));
    expect(error.code).toBe('model.preprocess-mismatch');
    expect(error.message).toContain('preprocessor_config.json gives 3×224×224');
    expect(error.message).toContain("the model's input takes 3×336×336 ([1, 3, 336, 336])");
    // Free dims are not contradicted.
    expect(preprocessFromHuggingFace(clip, ['batch', 3, 'height', 'width']).width).toBe(224);
    expect(refusal(() => preprocessFromHuggingFace(vit, [1, 1, 224, 224])).code).toBe('model.preprocess-mismatch');
  });

  test('refuses filters, sizes and missing keys it cannot reproduce, naming the key', () => {
    expect(refusal(() => preprocessFromHuggingFace({ ...vit, resample: 1 }, [1, 3, 224, 224])).message).toMatch(/"resample" is 1/);
    expect(refusal(() => preprocessFromHuggingFace({ ...vit, resample: undefined }, [1, 3, 224, 224])).message).toMatch(
      /"resample" is missing/,
    );
    const varying = refusal(() => preprocessFromHuggingFace({ ...convnext, crop_pct: undefined }, [1, 3, 224, 224]));
    expect(varying.code).toBe('model.bad-config');
    expect(varying.message).toMatch(/shortest edge \(224\) and there is no centre crop/);
    expect(refusal(() => preprocessFromHuggingFace({ ...vit, image_mean: undefined }, [1, 3, 224, 224])).message).toMatch(/"image_mean"/);
    expect(refusal(() => preprocessFromHuggingFace({ ...vit, size: 'big' }, [1, 3, 224, 224])).message).toMatch(
      /preprocessor_config.json is not valid: size/,
    );
    expect(refusal(() => preprocessFromHuggingFace({ ...clip, size: { longest_edge: 224 } }, [1, 3, 224, 224])).message).toMatch(
      /longest_edge/,
    );
  });
});
