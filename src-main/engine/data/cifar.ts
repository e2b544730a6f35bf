// CIFAR-10/100 binary batches: each record is its label byte(s) then 3,072 bytes of 32 × 32 RGB pixels stored
// plane by plane (all red, all green, all blue). CIFAR-100 records carry a coarse and a fine label; the fine
// one is the record's label.
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { readRegularFileSync, regularFileSize } from '../../common/regular-file';

export type CifarVariant = 'cifar-10' | 'cifar-100';

/** 100 class names take about a kilobyte; anything near this limit is not a list of class names. */
const maxClassNamesFileBytes = 1024 * 1024;

export const cifarSide = 32;
export const cifarPixelBytes = 3 * cifarSide * cifarSide;

export interface CifarLayout {
  readonly variant: CifarVariant;
  readonly labelBytes: 1 | 2;
  readonly recordBytes: number;
  readonly count: number;
  readonly classCount: number;
}

export function cifarLabelBytes(variant: CifarVariant): 1 | 2 {
  return variant === 'cifar-10' ? 1 : 2;
}

/** Works out the layout from the file size, using `variant` when given and refusing sizes that fit neither. */
export function cifarLayout(file: string, variant?: CifarVariant): CifarLayout {
  // Opened, not just stat-ed, through the regular-file check: a FIFO's size of 0 would otherwise read as "truncated".
  const size = regularFileSize(file, { domain: 'dataset', subject: `CIFAR batch ${file}` });
  const name = path.basename(file);
  const fits = (v: CifarVariant): boolean => size > 0 && size % (cifarPixelBytes + cifarLabelBytes(v)) === 0;
  let chosen: CifarVariant;
  if (variant) {
    if (!fits(variant)) {
      const recordBytes = cifarPixelBytes + cifarLabelBytes(variant);
      throw new MiaError(
        'dataset.cifar-size',
        `${name} is ${size} bytes, which is not a whole number of ${variant} records (${recordBytes} bytes each); the file is truncated or not a ${variant} binary batch.`,
        { file, size, recordBytes },
      );
    }
    chosen = variant;
  } else if (fits('cifar-10') && !fits('cifar-100')) chosen = 'cifar-10';
  else if (fits('cifar-100') && !fits('cifar-10')) chosen = 'cifar-100';
  else if (fits('cifar-10')) {
    throw new MiaError('dataset.cifar-ambiguous', `${name} could be CIFAR-10 or CIFAR-100 by its size (${size} bytes); say which it is.`, {
      file,
      size,
    });
  } else {
    throw new MiaError(
      'dataset.cifar-size',
      `${name} is ${size} bytes, which is not a whole number of CIFAR-10 (3,073-byte) or CIFAR-100 (3,074-byte) records; the file is truncated or not a CIFAR binary batch.`,
      { file, size },
    );
  }
  const labelBytes = cifarLabelBytes(chosen);
  const recordBytes = cifarPixelBytes + labelBytes;
  return { variant: chosen, labelBytes, recordBytes, count: size / recordBytes, classCount: chosen === 'cifar-10' ? 10 : 100 };
}

/** The record's pixels as stored (planar), which is what its SHA-256 is taken over. */
export function cifarStoredPixels(record: Uint8Array, labelBytes: number): Uint8Array {
  return record.subarray(labelBytes, labelBytes + cifarPixelBytes);
}

/** The label that counts: the only byte for CIFAR-10, the fine (second) byte for CIFAR-100. */
export function cifarLabel(record: Uint8Array, labelBytes: number): number {
  return record[labelBytes - 1] as number;
}

/** Planar RGB → interleaved (height × width × 3), the layout every other loader returns. */
export function cifarInterleave(planar: Uint8Array): Uint8Array {
  const plane = cifarSide * cifarSide;
  const out = new Uint8Array(cifarPixelBytes);
  for (let i = 0; i < plane; i += 1) {
    out[3 * i] = planar[i] as number;
    out[3 * i + 1] = planar[plane + i] as number;
    out[3 * i + 2] = planar[2 * plane + i] as number;
  }
  return out;
}

/**
 * Class names from the text file the official binary archives ship beside the batches (batches.meta.txt for
 * CIFAR-10, fine_label_names.txt for CIFAR-100), when it is there and has the right number of lines.
 */
export function cifarClassNames(file: string, layout: CifarLayout): string[] | null {
  const metaName = layout.variant === 'cifar-10' ? 'batches.meta.txt' : 'fine_label_names.txt';
  const meta = path.join(path.dirname(file), metaName);
  if (!fs.existsSync(meta)) return null;
  const text = readRegularFileSync(meta, {
    domain: 'dataset',
    subject: `CIFAR class names file ${meta}`,
    maxBytes: maxClassNamesFileBytes,
  }).toString('utf8');
  const names = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return names.length === layout.classCount ? names : null;
}
