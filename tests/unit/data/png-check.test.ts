// The PNG structure check: every valid layout passes with exactly the scanlines its header implies; a broken CRC,
// data beyond or short of what the header implies, a missing IEND and an oversized header are refused by code.
import sharp from 'sharp';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkPng, scanlineBytes } from '../../../src-main/engine/data/png-check';
import { deflateBombPng, greyPngWithData, pngClaimingSize, withBrokenCrc } from '../../fixtures/bad/hostile-images';
import { errorCodeOf } from '../../helpers/error-code';

const check = (bytes: Buffer) => checkPng(bytes, 'x.png', 'manifest.csv, line 2');

async function samplePngs(): Promise<Record<string, Buffer>> {
  const width = 13;
  const height = 11;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 37) & 0xff;
  const image = () => sharp(pixels, { raw: { width, height, channels: 3 } });
  return {
    rgb: await image().png().toBuffer(),
    interlaced: await image().png({ progressive: true }).toBuffer(),
    palette: await image().png({ palette: true }).toBuffer(),
    twoColourPalette: await image().png({ palette: true, colours: 2 }).toBuffer(),
    sixteenBit: await image().toColourspace('rgb16').png().toBuffer(),
    interlacedGrey: await image().toColourspace('b-w').png({ progressive: true }).toBuffer(),
  };
}

describe('checkPng', () => {
  it('passes every layout sharp writes, inflating exactly the bytes the header implies', async () => {
    for (const [name, png] of Object.entries(await samplePngs())) {
      const checked = check(png);
      expect(checked.scanlines.length, name).toBe(scanlineBytes(checked.header));
      expect(checked.chunkTypes.has('IEND'), name).toBe(true);
    }
  });

  it('refuses a chunk whose CRC-32 does not match, naming the chunk', async () => {
    const { rgb } = await samplePngs();
    expect(errorCodeOf(() => check(withBrokenCrc(rgb)))).toBe('dataset.image-undecodable');
    expect(() => check(withBrokenCrc(rgb))).toThrow(/chunk IHDR at byte 8 fails its CRC-32 check/);
  });

  it('refuses image data that inflates past the header, stopping at the header size', () => {
    const started = performance.now();
    expect(errorCodeOf(() => check(deflateBombPng(64)))).toBe('dataset.image-excess-data');
    // One more byte than 28 rows of 1 + 28 is already too much.
    expect(errorCodeOf(() => check(greyPngWithData(28, 28, zlib.deflateSync(Buffer.alloc(28 * 29 + 1)))))).toBe(
      'dataset.image-excess-data',
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses image data short of the header, and a file without IEND', async () => {
    expect(errorCodeOf(() => check(greyPngWithData(28, 28, zlib.deflateSync(Buffer.alloc(28 * 29 - 1)))))).toBe(
      'dataset.image-undecodable',
    );
    expect(() => check(greyPngWithData(28, 28, zlib.deflateSync(Buffer.alloc(28 * 29 - 1))))).toThrow(/ends after 811 of the 812 bytes/);
    const { rgb } = await samplePngs();
    expect(() => check(rgb.subarray(0, rgb.length - 12))).toThrow(/no IEND chunk/);
  });

  it('refuses a header over the size limits before inflating anything', () => {
    expect(errorCodeOf(() => check(pngClaimingSize(100_000, 100_000)))).toBe('dataset.image-too-large');
  });
});
