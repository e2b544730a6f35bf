// A minimal PNG encoder for small raw images (thumbnails of IDX/CIFAR records). sharp would do, but its
// per-call overhead caps it near 1,000 images/s here, which would dominate a 60,000-image import.
import zlib from 'node:zlib';
import { MiaError } from '../../common/errors';

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG colour types for 1–4 interleaved 8-bit channels: grey, grey+alpha, RGB, RGBA. */
const colourTypes: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/** `pixels` is 8-bit, interleaved (height × width × channels). */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: number): Buffer {
  const colourType = colourTypes[channels];
  if (colourType === undefined || pixels.length !== width * height * channels) {
    throw new MiaError('internal', `Cannot encode a PNG from ${pixels.length} bytes as ${width} × ${height} × ${channels}.`);
  }
  const stride = width * channels;
  const filtered = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    // Filter type 0 (none) per row: thumbnails are tiny, so better compression is not worth the time.
    filtered.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = colourType;
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(filtered, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
