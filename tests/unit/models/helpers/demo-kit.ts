// Reads the demo kit's models and PyTorch goldens (resources/demo/<family>/, see resources/demo/README.md).
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { PixelImage } from '../../../../src-main/engine/models/preprocess';

export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
// MIA_DEMO_DIR points the tests at another copy of the kit (e.g. one regenerated with fewer training steps).
const demoRoot = process.env.MIA_DEMO_DIR ? path.resolve(process.env.MIA_DEMO_DIR) : path.join(repoRoot, 'resources', 'demo');
export type DemoFamily = 'classifier' | 'clip' | 'diffusion' | 'latent-diffusion' | 'dit';
export const demoDir = (family: DemoFamily) => path.join(demoRoot, family);
export const demoFile = (family: DemoFamily, ...parts: string[]) => path.join(demoDir(family), ...parts);

export interface TensorDescriptor {
  dtype: 'float32' | 'float64' | 'int64';
  shape: number[];
  /** Inline values… */
  data?: number[];
  /** …or a little-endian raw file beside the JSON. */
  file?: string;
}

export function readTensor(descriptor: TensorDescriptor, folder: string): Float64Array {
  if (descriptor.data) return Float64Array.from(descriptor.data);
  if (!descriptor.file) throw new Error('tensor descriptor has neither data nor file');
  const bytes = fs.readFileSync(path.join(folder, descriptor.file));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  if (descriptor.dtype === 'float32') return Float64Array.from(new Float32Array(buffer));
  if (descriptor.dtype === 'float64') return new Float64Array(buffer);
  return Float64Array.from(new BigInt64Array(buffer), (v) => Number(v));
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export async function decodeImage(file: string): Promise<PixelImage> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: info.channels,
  };
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}
