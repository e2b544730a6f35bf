// Tokenizes captions for a CLIP-style text encoder from a Hugging Face tokenizer.json: ids and attention mask,
// padded or truncated to the encoder's fixed length.
import { Tokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { readModelJsonFile } from './model-json-file';

const TokenizerJson = z.looseObject({
  model: z.looseObject({ type: z.string().optional() }),
  padding: z.looseObject({ pad_id: z.number().int().nonnegative().optional() }).nullable().optional(),
});

const TokenText = z.union([z.string(), z.looseObject({ content: z.string() })]);
export const TokenizerConfigJson = z.looseObject({
  pad_token: TokenText.nullable().optional(),
  model_max_length: z.number().optional(),
});

export interface EncodedTexts {
  /** Row-major [count, length]. */
  readonly ids: Int32Array;
  readonly attentionMask: Int32Array;
  readonly count: number;
  readonly length: number;
}

export interface TextTokenizer {
  readonly padId: number;
  /** Token ids of one caption without padding or truncation (special tokens included). */
  tokenize(text: string): number[];
  encodeBatch(texts: readonly string[], length: number): EncodedTexts;
}

export function loadTextTokenizer(tokenizerFile: string, tokenizerConfigFile?: string | null, padIdOverride?: number): TextTokenizer {
  const json = readModelJsonFile(tokenizerFile, 'Tokenizer', 'model.bad-tokenizer');
  const config = tokenizerConfigFile ? readModelJsonFile(tokenizerConfigFile, 'Tokenizer configuration', 'model.bad-tokenizer') : {};
  return createTextTokenizer(json, config, tokenizerFile, padIdOverride);
}

export function createTextTokenizer(
  tokenizerJson: unknown,
  tokenizerConfig: unknown,
  what = 'tokenizer.json',
  padIdOverride?: number,
): TextTokenizer {
  const parsedJson = parseWith(TokenizerJson, tokenizerJson, what, 'model.bad-tokenizer');
  const parsedConfig = parseWith(TokenizerConfigJson, tokenizerConfig, `tokenizer configuration for ${what}`, 'model.bad-tokenizer');
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(parsedJson, parsedConfig);
  } catch (error) {
    throw new MiaError('model.bad-tokenizer', `${what} could not be loaded as a Hugging Face tokenizer: ${(error as Error).message}`);
  }
  const padText = typeof parsedConfig.pad_token === 'string' ? parsedConfig.pad_token : parsedConfig.pad_token?.content;
  // Order: the model configuration, the tokenizer's own padding setting, tokenizer_config's pad_token, then id 0
  // (OpenAI CLIP pads with 0).
  const padId = padIdOverride ?? parsedJson.padding?.pad_id ?? (padText !== undefined ? tokenizer.token_to_id(padText) : undefined) ?? 0;
  const specialIds = new Set([...tokenizer.get_added_tokens_decoder().entries()].filter(([, token]) => token.special).map(([id]) => id));

  const tokenize = (text: string): number[] => tokenizer.encode(text).ids;

  return {
    padId,
    tokenize,
    encodeBatch(texts, length) {
      const ids = new Int32Array(texts.length * length).fill(padId);
      const attentionMask = new Int32Array(texts.length * length);
      texts.forEach((text, row) => {
        let tokens = tokenize(text);
        if (tokens.length > length) {
          // Keep the end-of-text token: CLIP pools the text embedding at it.
          const last = tokens[tokens.length - 1] as number;
          tokens = specialIds.has(last) ? [...tokens.slice(0, length - 1), last] : tokens.slice(0, length);
        }
        ids.set(tokens, row * length);
        attentionMask.fill(1, row * length, row * length + tokens.length);
      });
      return { ids, attentionMask, count: texts.length, length };
    },
  };
}
