// How ReDiffuse sees a diffusion model reached only through an image-variation API (DALL-E 2 in the seed paper):
// no denoiser and no schedule, just "here is an image, give me n variations of it". Sending, caching, budgets and
// counting are the runtime's business (jobs/runtimes/variation-runtime.ts).
import type { DecodedImage } from '../../data/decode-image';
import type { RunRecord } from '../run-record';

export interface VariationTarget {
  readonly access: 'image-variation';
  readonly name: string;
  /** The channels the images are compared in (the target's preprocessing: 1 grey, 3 RGB). */
  readonly channels: 1 | 3;
  /** Variation requests so far, one per record, whether the network or the response cache answered them. */
  readonly requests: number;
  /** The record's image as the auditor holds it, at its own size. */
  original(record: RunRecord): Promise<DecodedImage>;
  /** One request: the record's image sent at width×height, n variations of that size back. */
  variations(record: RunRecord, n: number, width: number, height: number): Promise<DecodedImage[]>;
  /** What the requests cost (sent, retried, answered from the cache), for the run's notes. */
  notes(): string[];
}

export function isVariationTarget(target: unknown): target is VariationTarget {
  return typeof target === 'object' && target !== null && (target as { access?: unknown }).access === 'image-variation';
}
