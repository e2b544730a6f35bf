// The CLIP tokenizer built from a Stable Diffusion style tokenizer/ folder (vocab.json + merges.txt) against ids from
// the independent plain-Python CLIP BPE (tools/demo-kit/clip_bpe_reference.py --vocab-merges), and its refusals.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadClipTokenizerFromVocabMerges } from '../../../src-main/engine/models/clip-vocab-merges-tokenizer';
import { repoRoot } from './helpers/demo-kit';

interface ReferenceFixture {
  context: number;
  cases: { text: string; input_ids: number[]; attention_mask: number[] }[];
}

const fixtureFolder = path.join(repoRoot, 'tests', 'fixtures', 'clip-vocab-merges');
const reference = JSON.parse(fs.readFileSync(path.join(fixtureFolder, 'reference.json'), 'utf8')) as ReferenceFixture;
const vocab = JSON.parse(fs.readFileSync(path.join(fixtureFolder, 'tokenizer', 'vocab.json'), 'utf8')) as Record<string, number>;
const eos = vocab['<|endoftext|>'] as number;
const latentDemo = path.join(repoRoot, 'resources', 'demo', 'latent-diffusion');

let scratch: string | null = null;
afterEach(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  scratch = null;
});

/** A copy of the fixture's tokenizer/ folder with one file rewritten. */
function folderWith(file: string, rewrite: (text: string) => string): string {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-clip-vocab-'));
  fs.cpSync(path.join(fixtureFolder, 'tokenizer'), path.join(scratch, 'tokenizer'), { recursive: true });
  const target = path.join(scratch, 'tokenizer', file);
  fs.writeFileSync(target, rewrite(fs.readFileSync(target, 'utf8')));
  return scratch;
}

function codeOf(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('CLIP tokenizer from vocab.json + merges.txt', () => {
  const tokenizer = loadClipTokenizerFromVocabMerges(fixtureFolder, reference.context);

  test.each(reference.cases.map((c) => [JSON.stringify(c.text).slice(0, 60), c] as const))(
    'matches the Python reference for %s',
    (_, c) => {
      const encoded = tokenizer.encodeBatch([c.text], reference.context);
      expect(Array.from(encoded.ids)).toEqual(c.input_ids);
      expect(Array.from(encoded.attentionMask)).toEqual(c.attention_mask);
    },
  );

  test('uses the learnt merges: a frequent caption word is fewer tokens than its letters', () => {
    const ids = tokenizer.tokenize('ankle boot');
    expect(ids.length).toBeLessThan(2 + 'ankleboot'.length);
    expect(ids.at(-1)).toBe(eos);
  });

  test('pads with the configured pad token, <|endoftext|>, and truncates keeping EOS last', () => {
    expect(tokenizer.padId).toBe(eos);
    const encoded = tokenizer.encodeBatch(['a '.repeat(200)], reference.context);
    expect(encoded.ids[reference.context - 1]).toBe(eos);
    expect(Array.from(encoded.attentionMask).every((m) => m === 1)).toBe(true);
  });

  test('reads a merges.txt without the #version header the same way', () => {
    const folder = folderWith('merges.txt', (text) => text.replace(/^#version[^\n]*\n/, ''));
    const plain = loadClipTokenizerFromVocabMerges(folder, reference.context);
    for (const c of reference.cases.slice(0, 8)) expect(plain.tokenize(c.text)).toEqual(tokenizer.tokenize(c.text));
  });

  test('refuses a merges line that is not two symbols, naming the file and line', () => {
    const folder = folderWith('merges.txt', (text) => text.replace('\nr e\n', '\nr e x\n'));
    const error = codeOf(() => loadClipTokenizerFromVocabMerges(folder, 77));
    expect(error.code).toBe('model.bad-tokenizer');
    expect(error.message).toMatch(/merges\.txt line 3: expected two symbols/);
  });

  test('refuses a merge whose result the vocabulary does not list', () => {
    const folder = folderWith('vocab.json', (text) => {
      const entries = JSON.parse(text) as Record<string, number>;
      delete entries['an'];
      return JSON.stringify(entries);
    });
    const error = codeOf(() => loadClipTokenizerFromVocabMerges(folder, 77));
    expect(error.code).toBe('model.bad-tokenizer');
    expect(error.message).toMatch(/merge 1 \("a n"\) makes "an", which .*vocab\.json does not list/);
  });

  test('refuses a vocabulary without the end-of-text token', () => {
    const folder = folderWith('vocab.json', (text) => {
      const entries = JSON.parse(text) as Record<string, number>;
      delete entries['<|endoftext|>'];
      return JSON.stringify(entries);
    });
    expect(codeOf(() => loadClipTokenizerFromVocabMerges(folder, 77)).message).toMatch(/vocab\.json has no id for the end-of-text token/);
  });

  test('refuses a model_max_length that differs from the text encoder context, but not the "no limit" sentinel', () => {
    const short = folderWith('tokenizer_config.json', (text) => text.replace('"model_max_length": 77', '"model_max_length": 64'));
    expect(codeOf(() => loadClipTokenizerFromVocabMerges(short, 77)).message).toMatch(
      /tokenizer_config\.json gives model_max_length 64, but the text encoder takes 77 tokens/,
    );
    const unlimited = folderWith('tokenizer_config.json', (text) =>
      text.replace('"model_max_length": 77', '"model_max_length": 1000000000000000019884624838656'),
    );
    expect(loadClipTokenizerFromVocabMerges(unlimited, 77).padId).toBe(eos);
  });

  test('refuses a merges.txt that is a FIFO instead of blocking on it', () => {
    const folder = folderWith('merges.txt', (text) => text);
    const merges = path.join(folder, 'tokenizer', 'merges.txt');
    fs.rmSync(merges);
    execFileSync('mkfifo', [merges]);
    const started = Date.now();
    expect(codeOf(() => loadClipTokenizerFromVocabMerges(folder, 77)).code).toBe('model.not-a-file');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('refuses a missing merges.txt with the regular-file code', () => {
    const folder = folderWith('merges.txt', (text) => text);
    fs.rmSync(path.join(folder, 'tokenizer', 'merges.txt'));
    expect(codeOf(() => loadClipTokenizerFromVocabMerges(folder, 77)).code).toBe('model.file-missing');
  });

  test.skipIf(!fs.existsSync(path.join(latentDemo, 'tokenizer', 'vocab.json')))('loads the latent-diffusion demo tokenizer', () => {
    const demo = loadClipTokenizerFromVocabMerges(latentDemo, 77);
    const encoded = demo.encodeBatch(['a photo of a dark small tshirt, square'], 77);
    expect(encoded.ids[0]).not.toBe(encoded.ids[1]);
    expect(encoded.attentionMask.reduce((sum, m) => sum + m, 0)).toBeGreaterThan(2);
  });
});
