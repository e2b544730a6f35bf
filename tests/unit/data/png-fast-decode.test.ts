// The direct PNG decoder must give exactly what sharp gives on a checked PNG, or step aside (null) for sharp to decode.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodedChannels, keepChannels } from '../../../src-main/engine/data/decode-image';
import { checkPng } from '../../../src-main/engine/data/png-check';
import { decodeSimplePng } from '../../../src-main/engine/data/png-fast-decode';
import { errorCodeOf } from '../../helpers/error-code';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { demoDir } from '../../helpers/demo-kit';

async function viaSharp(bytes: Buffer) {
  const image = sharp(bytes);
  const wanted = decodedChannels(await image.metadata());
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return {
    data: keepChannels(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.channels, wanted),
    width: info.width,
    height: info.height,
    channels: wanted,
  };
}

const decode = (bytes: Buffer) => decodeSimplePng(checkPng(bytes, 'test.png', 'test'));

function demoPngs(family: string, count: number): string[] {
  const folder = path.join(demoDir, family, 'images');
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.png'))
    .sort()
    .slice(0, count)
    .map((name) => path.join(folder, name));
}

describe('direct PNG decoding', () => {
  const files = [...demoPngs('classifier', 150), ...demoPngs('clip', 50), ...demoPngs('diffusion', 50)];

  it("decodes the demo kit's PNGs exactly as sharp does", async () => {
    expect(files).toHaveLength(250);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      const fast = decode(bytes);
      expect(fast, file).not.toBeNull();
      expect(fast).toEqual(await viaSharp(bytes));
    }
  });

  it('decodes every colour type and row filter written by sharp exactly as sharp reads them back', async () => {
    const random = new SeededRandom('png-fast');
    const decodedLayouts = new Set<number>();
    for (const channels of [1, 2, 3, 4] as const) {
      for (const [width, height] of [
        [1, 1],
        [17, 9],
        [64, 33],
      ] as const) {
        const pixels = Buffer.alloc(width * height * channels);
        // Smooth gradients plus noise, so the encoder's adaptive filtering picks every filter type somewhere.
        for (let i = 0; i < pixels.length; i++) pixels[i] = (((i * 7) % 256) + random.nextInt(9)) & 0xff;
        for (const adaptiveFiltering of [false, true]) {
          const image = sharp(pixels, { raw: { width, height, channels } });
          // Grey input is written as grey (colour types 0 and 4), not widened to RGB.
          const png = await (channels <= 2 ? image.toColourspace('b-w') : image).png({ adaptiveFiltering, compressionLevel: 9 }).toBuffer();
          const fast = decode(png);
          expect(fast, `${channels} channels ${width}×${height}`).not.toBeNull();
          expect(fast).toEqual(await viaSharp(png));
          // sharp may widen grey input to RGB when writing; where it kept the layout, the samples come back as written.
          if (fast!.channels === channels) expect(Buffer.from(fast!.data)).toEqual(pixels);
          decodedLayouts.add(fast!.channels);
        }
      }
    }
    expect([...decodedLayouts].sort()).toEqual([1, 2, 3, 4]);
  });

  it('steps aside for interlaced, palette and 16-bit images; damaged data never reaches it', async () => {
    const pixels = Buffer.alloc(8 * 8 * 3, 100);
    const raw = { raw: { width: 8, height: 8, channels: 3 as const } };
    expect(decode(await sharp(pixels, raw).png({ progressive: true }).toBuffer())).toBeNull();
    expect(decode(await sharp(pixels, raw).png({ palette: true }).toBuffer())).toBeNull();
    expect(decode(await sharp(pixels, raw).toColourspace('rgb16').png().toBuffer())).toBeNull();
    const good = await sharp(pixels, raw).png().toBuffer();
    expect(errorCodeOf(() => decode(good.subarray(0, good.length - 30)))).toBe('dataset.image-undecodable');
    expect(errorCodeOf(() => decode(Buffer.from('not a png at all, not at all')))).toBe('dataset.image-undecodable');
  });
});
