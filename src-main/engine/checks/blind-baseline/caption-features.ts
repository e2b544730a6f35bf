// Model-free caption features for the blind baseline: length in characters and words, mean word length, and
// word counts hashed into a few buckets (enough to notice two sets using different vocabularies).
export const DEFAULT_CAPTION_BUCKETS = 8;

/** [characters, words, mean word length, bucket 0 … bucket B−1] for one caption. */
export function captionFeatures(caption: string, buckets = DEFAULT_CAPTION_BUCKETS): Float32Array {
  const words = caption.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const features = new Float32Array(3 + buckets);
  features[0] = [...caption].length; // code points, so an emoji or accented letter counts once
  features[1] = words.length;
  features[2] = words.length === 0 ? 0 : words.reduce((sum, word) => sum + [...word].length, 0) / words.length;
  for (const word of words) features[3 + (hashWord(word) % buckets)] += 1;
  return features;
}

/** FNV-1a over UTF-16 code units: stable across runs and machines, unlike any built-in hash. */
function hashWord(word: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
