import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { keepChannels } from '../../../src-main/engine/data/decode-image';
import { encodePng } from '../../../src-main/engine/data/png-encode';
import { patternPixels } from '../../fixtures/datasets/build-fixtures';

describe('encodePng', () => {
  for (const channels of [1, 2, 3, 4]) {
    it(`writes a PNG that decodes back to the same ${channels}-channel pixels`, async () => {
      const pixels = patternPixels(13, 7, channels, channels);
      const png = encodePng(pixels, 13, 7, channels);
      const metadata = await sharp(png).metadata();
      expect([metadata.width, metadata.height, metadata.channels]).toEqual([13, 7, channels]);
      // sharp hands grey images back as sRGB (R = G = B); keepChannels narrows them again.
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect(Buffer.compare(Buffer.from(keepChannels(data, info.channels, channels)), pixels)).toBe(0);
    });
  }

  it('refuses a pixel buffer of the wrong length', () => {
    expect(() => encodePng(new Uint8Array(10), 4, 4, 1)).toThrow(/Cannot encode/);
  });
});
