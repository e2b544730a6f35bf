// Shared fixtures of the diffusion attack tests: a real ONNX denoiser whose ε is known in closed form,
// ε(x, t) = (g + f·t)·x, the linear-β schedule recomputed independently, and small grey PNG records on disk.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { RunRecord } from '../../../src-main/engine/attacks/run-record';
import { DiffusionConfig } from '../../../src-main/engine/models/model-config';
import { buildOnnxModel, elemType } from '../models/helpers/onnx-builder';

export const side = 4;
export const sampleSize = side * side;
export const config = DiffusionConfig.parse({
  kind: 'diffusion',
  sampleShape: { channels: 1, height: side, width: side },
  preprocess: { width: side, height: side, channels: 1, scale: 1 / 255, mean: [0.5], std: [0.5] },
  scheduler: {},
});

/** Writes the denoiser ε(x, t) = (g + f·t)·x with an int64 [batch] timestep input. */
export function writeAffineDenoiser(file: string, g: number, f: number): void {
  const model = buildOnnxModel({
    inputs: [
      { name: 'sample', type: 'float32', shape: ['batch', 1, side, side] },
      { name: 'timestep', type: 'int64', shape: ['batch'] },
    ],
    outputs: [{ name: 'epsilon', type: 'float32', shape: ['batch', 1, side, side] }],
    initializers: [
      { name: 'f', type: 'float32', dims: [], values: [f] },
      { name: 'g', type: 'float32', dims: [], values: [g] },
      { name: 'column', type: 'int64', dims: [4], values: [-1, 1, 1, 1] },
    ],
    nodes: [
      { op: 'Cast', inputs: ['timestep'], outputs: ['t_float'], intAttributes: { to: elemType.float32 } },
      { op: 'Reshape', inputs: ['t_float', 'column'], outputs: ['t_column'] },
      { op: 'Mul', inputs: ['t_column', 'f'], outputs: ['ft'] },
      { op: 'Add', inputs: ['ft', 'g'], outputs: ['lambda'] },
      { op: 'Mul', inputs: ['sample', 'lambda'], outputs: ['epsilon'] },
    ],
  });
  fs.writeFileSync(file, model);
}

/** ᾱ_t of the default schedule (linear β from 1e-4 to 0.02, T = 1000), with ᾱ = 1 before step 0. */
export function alphaBar(t: number): number {
  let product = 1;
  for (let s = 0; s <= t; s += 1) product *= 1 - (1e-4 + ((0.02 - 1e-4) * s) / 999);
  return product;
}

/** Grey 4×4 PNGs with distinct contents; returns run records pointing at them (audit, alternating members). */
export async function writeRecords(folder: string, count: number): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const pixels = Buffer.from(Array.from({ length: sampleSize }, (_, p) => (37 * i + 53 * p + 11 * i * p) % 256));
    const file = path.join(folder, `r${i}.png`);
    await sharp(pixels, { raw: { width: side, height: side, channels: 1 } })
      .png()
      .toFile(file);
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    records.push({
      id: i + 1,
      key: `img-${i}`,
      path: file,
      sourceIndex: null,
      sha256,
      label: null,
      caption: null,
      member: i % 2 === 0 ? 1 : 0,
      role: 'audit',
      sourceKind: 'manifest-csv',
    });
  }
  return records;
}
