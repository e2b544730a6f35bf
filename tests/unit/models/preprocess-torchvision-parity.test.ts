// The engine's torchvision-style preprocessing against torchvision itself: the committed fixture holds what
// torchvision 0.14 / Pillow 9.4 gave for eight test images through Resize → CenterCrop → ToTensor → Normalize
// (tools/preprocess-reference/torchvision_reference.py writes it); the engine must come within one pixel level.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { decodeImageBytes } from '../../../src-main/engine/data/decode-image';
import { preprocess } from '../../../src-main/engine/models/preprocess';
import { clipPreprocess, imagenetPreprocess } from '../../../src-main/engine/models/preprocess-presets';
import { PreprocessSpec, type PreprocessSpecInput } from '../../../src-main/engine/models/preprocess-spec';
import { repoRoot } from '../../helpers/temp-dir';

const folder = path.join(repoRoot, 'tests', 'fixtures', 'preprocess');

interface ReferenceCase {
  name: string;
  image: string;
  resize: { shorterEdge: number } | { width: number; height: number } | null;
  filter: 'nearest' | 'bilinear' | 'bicubic';
  crop: { width: number; height: number };
  channels: 1 | 3;
  mean: number[];
  std: number[];
  offset: number;
  length: number;
}

const index = JSON.parse(fs.readFileSync(path.join(folder, 'reference.json'), 'utf8')) as { cases: ReferenceCase[] };
const reference = gunzipSync(fs.readFileSync(path.join(folder, 'reference.bin.gz')));

function specOf(c: ReferenceCase): PreprocessSpecInput {
  return {
    width: c.crop.width,
    height: c.crop.height,
    channels: c.channels,
    resize: { resizeTo: c.resize ?? 'none', filter: c.filter },
    mean: c.mean,
    std: c.std,
    expandGrey: true,
  };
}

/** Largest |engine − torchvision| in [0, 1] pixel units (before normalisation) and after normalisation. */
async function compare(c: ReferenceCase, spec: PreprocessSpecInput): Promise<{ unit: number; normalised: number }> {
  const parsed = PreprocessSpec.parse(spec);
  const pixels = await decodeImageBytes(fs.readFileSync(path.join(folder, c.image)), c.image, c.name);
  const normalised = preprocess(pixels, parsed);
  const unit = preprocess(pixels, { ...parsed, mean: [0], std: [1] });
  const expected = reference.subarray(c.offset, c.offset + c.length);
  expect(normalised.length).toBe(expected.length);
  const f = Math.fround;
  const plane = c.crop.width * c.crop.height;
  let unitGap = 0;
  let normalisedGap = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const channel = Math.floor(i / plane);
    // torchvision: ToTensor gives k / 255 in float32, Normalize (x − mean) / std in float32.
    const torchUnit = f((expected[i] as number) / 255);
    const torchNormalised = f(f(torchUnit - f(c.mean[channel] ?? c.mean[0] ?? 0)) / f(c.std[channel] ?? c.std[0] ?? 1));
    unitGap = Math.max(unitGap, Math.abs((unit[i] as number) - torchUnit));
    normalisedGap = Math.max(normalisedGap, Math.abs((normalised[i] as number) - torchNormalised));
  }
  return { unit: unitGap, normalised: normalisedGap };
}

describe('torchvision parity', () => {
  test('the fixture covers both presets, every filter, shorter-edge and exact sizes, grey and RGBA images', () => {
    expect(index.cases.length).toBeGreaterThanOrEqual(16);
    expect(new Set(index.cases.map((c) => c.filter))).toEqual(new Set(['nearest', 'bilinear', 'bicubic']));
    expect(index.cases.some((c) => c.resize && 'shorterEdge' in c.resize)).toBe(true);
    expect(index.cases.some((c) => c.resize && 'width' in c.resize)).toBe(true);
    expect(reference.length).toBe(index.cases.reduce((sum, c) => sum + c.length, 0));
  });

  test.each(index.cases.map((c) => [c.name, c] as const))('%s: within 1/255 of torchvision', async (_name, c) => {
    const preset = c.name.startsWith('imagenet preset') ? imagenetPreprocess : c.name.startsWith('clip preset') ? clipPreprocess : null;
    // The presets are used as exported (plus grey expansion), so a wrong constant fails here too.
    const spec = preset ? { ...preset, expandGrey: true } : specOf(c);
    if (preset) expect(PreprocessSpec.parse(spec)).toEqual(PreprocessSpec.parse(specOf(c)));
    const gap = await compare(c, spec);
    // One 8-bit level in [0, 1] units; after normalisation that level is divided by the smallest std. Measured: the
    // same 8-bit values in every case (the normalised gap is float32 rounding of p·(1/255) against p/255).
    expect(gap.unit).toBeLessThanOrEqual(1 / 255 + 1e-6);
    expect(gap.normalised).toBeLessThanOrEqual((1 / 255 + 1e-6) / Math.min(...c.std));
  });
});
