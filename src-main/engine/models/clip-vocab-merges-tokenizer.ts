// Builds a CLIP byte-level BPE tokenizer from the files Stable Diffusion repositories ship in tokenizer/
// (vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json) instead of one tokenizer.json: the files
// are checked here and turned into the tokenizer.json that the maintained library loads, with CLIP's normaliser,
// pre-tokeniser and BOS … EOS template.
import path from 'node:path';
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { readRegularFileSync } from '../../common/regular-file';
import { maxModelJsonFileBytes, readModelJsonFile } from './model-json-file';
import { createTextTokenizer, TokenizerConfigJson, type TextTokenizer } from './text-tokenizer';

const badTokenizer = 'model.bad-tokenizer';
const noLimitSentinel = 1e9;

const VocabJson = z.record(z.string(), z.number().int().nonnegative());

const TokenText = z.union([z.string(), z.looseObject({ content: z.string() })]);
const SpecialTokensMapJson = z.looseObject({
  bos_token: TokenText.optional(),
  eos_token: TokenText.optional(),
  unk_token: TokenText.optional(),
  pad_token: TokenText.nullable().optional(),
});

const tokenContent = (token: z.infer<typeof TokenText> | null | undefined): string | undefined =>
  typeof token === 'string' ? token : token?.content;

/**
 * The merge pairs of merges.txt in rank order. The first line of a Hugging Face merges file is a "#version: …"
 * header, not a merge; blank lines (the trailing newline) are skipped.
 */
export function parseMergesText(text: string, file: string): [string, string][] {
  const pairs: [string, string][] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line === '' || (index === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new MiaError(
        badTokenizer,
        `${file} line ${index + 1}: expected two symbols separated by one space, got "${line.slice(0, 80)}".`,
        {
          file,
        },
      );
    }
    pairs.push([parts[0] as string, parts[1] as string]);
  });
  if (pairs.length === 0) throw new MiaError(badTokenizer, `${file} lists no merges; expected one "left right" pair per line.`, { file });
  return pairs;
}

function tokenId(vocab: Record<string, number>, token: string, role: string, file: string): number {
  const id = vocab[token];
  if (id === undefined) throw new MiaError(badTokenizer, `${file} has no id for the ${role} token "${token}".`, { file });
  return id;
}

/** Each merge must produce a token of the vocabulary, or the BPE would emit symbols no id stands for. */
function checkMerges(merges: readonly [string, string][], vocab: Record<string, number>, mergesFile: string, vocabFile: string): void {
  merges.forEach(([left, right], rank) => {
    if (vocab[left + right] === undefined) {
      throw new MiaError(
        badTokenizer,
        `${mergesFile} merge ${rank + 1} ("${left} ${right}") makes "${left + right}", which ${vocabFile} does not list.`,
        { file: mergesFile },
      );
    }
  });
}

const special = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/** CLIP's tokenizer.json around a vocabulary and merges: the same pipeline as openai/clip-vit-* repositories ship. */
function clipTokenizerJson(vocab: Record<string, number>, merges: [string, string][], bos: string, eos: string, unk: string) {
  const bosId = vocab[bos] as number;
  const eosId = vocab[eos] as number;
  const escape = (token: string) => token.replace(/[|\\^$.*+?()[\]{}]/g, '\\$&');
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(bosId, bos), special(eosId, eos)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          // CLIP's pattern: the special tokens, contractions, letter runs, single digits, runs of other non-space
          // characters; everything between matches (whitespace) is dropped.
          pattern: { Regex: `${escape(bos)}|${escape(eos)}|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+` },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: eos, type_id: 0 } }],
      pair: [
        { SpecialToken: { id: bos, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: eos, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: eos, type_id: 1 } },
      ],
      special_tokens: {
        [bos]: { id: bos, ids: [bosId], tokens: [bos] },
        [eos]: { id: eos, ids: [eosId], tokens: [eos] },
      },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unk,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

/**
 * The CLIP tokenizer of a diffusers/Optimum pipeline folder, read from `folder`/tokenizer/. `contextLength` is the
 * text encoder's input length; tokenizer_config.json's model_max_length, when present, must agree with it.
 * Padding uses the configured pad token (Stable Diffusion pads with <|endoftext|>), else the EOS token.
 */
export function loadClipTokenizerFromVocabMerges(folder: string, contextLength: number): TextTokenizer {
  const dir = path.join(folder, 'tokenizer');
  const vocabFile = path.join(dir, 'vocab.json');
  const mergesFile = path.join(dir, 'merges.txt');
  const configFile = path.join(dir, 'tokenizer_config.json');
  const specialFile = path.join(dir, 'special_tokens_map.json');

  const vocab = parseWith(VocabJson, readModelJsonFile(vocabFile, 'Tokenizer vocabulary', badTokenizer), vocabFile, badTokenizer);
  const mergesText = readRegularFileSync(mergesFile, {
    domain: 'model',
    subject: `Tokenizer merges ${mergesFile}`,
    maxBytes: maxModelJsonFileBytes,
  }).toString('utf8');
  const merges = parseMergesText(mergesText, mergesFile);
  checkMerges(merges, vocab, mergesFile, vocabFile);
  const config = parseWith(
    TokenizerConfigJson,
    readModelJsonFile(configFile, 'Tokenizer configuration', badTokenizer),
    configFile,
    badTokenizer,
  );
  const specialMap = parseWith(
    SpecialTokensMapJson,
    readModelJsonFile(specialFile, 'Tokenizer special tokens', badTokenizer),
    specialFile,
    badTokenizer,
  );

  // transformers writes a huge sentinel (about 1e30) for "no limit"; only a real length must match the encoder's.
  const maxLength = config.model_max_length;
  if (maxLength !== undefined && maxLength < noLimitSentinel && maxLength !== contextLength) {
    throw new MiaError(
      badTokenizer,
      `${configFile} gives model_max_length ${maxLength}, but the text encoder takes ${contextLength} tokens; expected them to agree.`,
      { file: configFile },
    );
  }
  const bos = tokenContent(specialMap.bos_token) ?? '<|startoftext|>';
  const eos = tokenContent(specialMap.eos_token) ?? '<|endoftext|>';
  const unk = tokenContent(specialMap.unk_token) ?? eos;
  const pad = tokenContent(config.pad_token) ?? tokenContent(specialMap.pad_token) ?? eos;
  tokenId(vocab, bos, 'beginning-of-text', vocabFile);
  tokenId(vocab, eos, 'end-of-text', vocabFile);
  tokenId(vocab, unk, 'unknown', vocabFile);
  const padId = tokenId(vocab, pad, 'padding', vocabFile);

  return createTextTokenizer(clipTokenizerJson(vocab, merges, bos, eos, unk), {}, `${dir} (vocab.json + merges.txt)`, padId);
}
