// Pins the tensors today's preprocessing specs give (stretch, shorter-side-crop, channel conversion, order,
// layout, the demo kit's sidecars), so that extending the spec cannot change a byte of an existing model's input.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { preprocess, type PixelImage } from '../../../src-main/engine/models/preprocess';
import { PreprocessSpec } from '../../../src-main/engine/models/preprocess-spec';
import { ModelSidecar } from '../../../src-main/engine/models/sidecar';
import { repoRoot } from '../../helpers/temp-dir';

/** A deterministic image whose pixels vary in x, y and channel, so any change of taps, order or rounding shows. */
function pattern(width: number, height: number, channels: number): PixelImage {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i += 1) data[i] = (i * 37 + Math.floor(i / 7) * 11) % 256;
  return { data, width, height, channels };
}

function sha256(tensor: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength))
    .digest('hex');
}

function sidecarSpec(file: string): PreprocessSpec {
  const sidecar = ModelSidecar.parse(JSON.parse(fs.readFileSync(path.join(repoRoot, 'resources', 'demo', file), 'utf8')));
  return PreprocessSpec.parse(sidecar.preprocess);
}

const cases: [string, () => Float32Array][] = [
  ['no resize, grey', () => preprocess(pattern(28, 28, 1), sidecarSpec('classifier/target.json'))],
  ['stretch down, rgb → grey', () => preprocess(pattern(40, 31, 3), sidecarSpec('classifier/target.json'))],
  ['stretch up, grey', () => preprocess(pattern(9, 13, 1), sidecarSpec('clip/image_encoder.json'))],
  ['stretch, diffusion sidecar', () => preprocess(pattern(20, 20, 1), sidecarSpec('diffusion/unet.json'))],
  [
    'stretch, rgba, per-channel mean/std, BGR, NHWC',
    () =>
      preprocess(
        pattern(50, 37, 4),
        PreprocessSpec.parse({
          width: 24,
          height: 16,
          channels: 3,
          mean: [0.4, 0.5, 0.6],
          std: [0.2, 0.25, 0.3],
          channelOrder: 'BGR',
          layout: 'NHWC',
        }),
      ),
  ],
  [
    'shorter-side-crop down, rgb',
    () => preprocess(pattern(64, 45, 3), PreprocessSpec.parse({ width: 16, height: 16, channels: 3, resize: 'shorter-side-crop' })),
  ],
  [
    'shorter-side-crop up, grey, non-square',
    () => preprocess(pattern(7, 11, 1), PreprocessSpec.parse({ width: 12, height: 10, channels: 1, resize: 'shorter-side-crop' })),
  ],
];

// Hashes of the float32 bytes as the spec gave them before torchvision-style resizing was added.
const pinned: Record<string, string> = {
  'no resize, grey': '655bbb121a3b529ef86c2e5184700ec376756b350fd7435748a6a9e9b0d55f69',
  'stretch down, rgb → grey': 'fdbcf9275f371bc3fe56cbda4980f0a1421a410b916793fe4de52b1f10d882c7',
  'stretch up, grey': 'ba8d70d78e22ebb1f258eb5331fd4affb0108a938f6d4785c975bddb790de678',
  'stretch, diffusion sidecar': 'a6c98848bf37e68c9c6d87656eae03a165eb73c3ec1dbf5f164715fdb5511808',
  'stretch, rgba, per-channel mean/std, BGR, NHWC': '2ca330b557a593b4748112bfd781c7bdcdb2f81cccf6990b79c23787ab1915b9',
  'shorter-side-crop down, rgb': '757e2ce862b88a38cb8b614bd923259527ee00e6211ae0f8e1a1f4947586ebe6',
  'shorter-side-crop up, grey, non-square': '17e035ad35264d3185b437f56bbc7e9a244cc1ce2d30105c86bf72cc18463916',
};

describe('existing preprocessing specs', () => {
  test.each(cases)('%s gives the same float32 bytes as before', (name, run) => {
    expect(sha256(run())).toBe(pinned[name]);
  });
});
