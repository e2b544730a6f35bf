// The engine's tokenizer, reading the combined CLIP demo's byte-level BPE tokenizer.json, against ids produced by an
// independent plain-Python CLIP BPE (tools/demo-kit/clip_bpe_reference.py): every id and mask value must agree.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTextTokenizer } from '../../../src-main/engine/models/text-tokenizer';
import { repoRoot } from './helpers/demo-kit';

interface ParityFixture {
  context: number;
  cases: { text: string; input_ids: number[]; attention_mask: number[] }[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'clip-bpe-parity.json'), 'utf8')) as ParityFixture;
const kit = (file: string) => path.join(repoRoot, 'resources', 'demo', 'clip-combined', file);
const tokenizer = () => loadTextTokenizer(kit('tokenizer.json'), kit('tokenizer_config.json'));
const vocab = JSON.parse(fs.readFileSync(kit('tokenizer.json'), 'utf8')).model.vocab as Record<string, number>;
const [bos, eos] = [vocab['<|startoftext|>'], vocab['<|endoftext|>']];

describe('CLIP byte-level BPE tokenizer', () => {
  test.each(fixture.cases.map((c) => [JSON.stringify(c.text).slice(0, 60), c] as const))('matches the Python reference for %s', (_, c) => {
    const encoded = tokenizer().encodeBatch([c.text], fixture.context);
    expect(Array.from(encoded.ids)).toEqual(c.input_ids);
    expect(Array.from(encoded.attentionMask)).toEqual(c.attention_mask);
  });

  test('wraps every caption in BOS … EOS, pads with EOS and masks only the real tokens', () => {
    const encoded = tokenizer().encodeBatch(['a photo', ''], fixture.context);
    const row = (r: number) => Array.from(encoded.ids.subarray(r * 77, (r + 1) * 77));
    const mask = (r: number) => Array.from(encoded.attentionMask.subarray(r * 77, (r + 1) * 77));
    expect(row(0)[0]).toBe(bos);
    expect(row(1).slice(0, 2)).toEqual([bos, eos]);
    expect(mask(1).filter((m) => m === 1)).toHaveLength(2);
    expect(
      row(1)
        .slice(2)
        .every((id) => id === eos),
    ).toBe(true);
    expect(
      mask(0)
        .slice(0, 4)
        .every((m) => m === 1),
    ).toBe(true);
  });

  test('truncates a caption over the 77-token context to 77, keeping EOS last', () => {
    const long = fixture.cases.find((c) => c.text.startsWith('a a a'));
    expect(long).toBeDefined();
    const encoded = tokenizer().encodeBatch([long!.text], fixture.context);
    expect(encoded.ids[76]).toBe(eos);
    expect(Array.from(encoded.attentionMask).every((m) => m === 1)).toBe(true);
  });

  test('lower-cases and marks word ends, so cased spellings of a word share its ids', () => {
    const tokens = tokenizer();
    expect(tokens.tokenize('ANKLE Boot')).toEqual(tokens.tokenize('ankle boot'));
    const words = Object.keys(vocab).filter((token) => token.endsWith('</w>') && token.length > 5);
    expect(words.length).toBeGreaterThan(20);
  });
});
