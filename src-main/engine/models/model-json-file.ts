// Reads the JSON files that travel with a model (its sidecar, tokenizer.json and tokenizer_config.json,
// scheduler.json, a model-set manifest, a training plan): through the regular-file check, so a FIFO or device given
// such a name is refused (`model.not-a-file`) instead of hanging, and within a byte bound, so a runaway file is
// refused from its size (`model.file-too-large`) before it is read and parsed.
import { MiaError } from '../../common/errors';
import { readRegularFileSync } from '../../common/regular-file';

/**
 * Largest JSON file read beside a model (64 MiB). Sidecars and scheduler files are a few kilobytes; the largest
 * Hugging Face tokenizer.json files (multilingual vocabularies of a quarter of a million tokens) are about 35 MB, and a
 * model-set manifest listing the training ids of dozens of shadow models reaches tens of megabytes. Parsing is done
 * whole, in memory, so the bound keeps that to a few hundred megabytes at worst.
 */
export const maxModelJsonFileBytes = 64 * 1024 * 1024;

/**
 * The parsed JSON of `file`. `what` names it in messages ("Model sidecar"); `badJsonCode` is the code for text that
 * is not JSON (`model.bad-sidecar`, `model.bad-tokenizer` …). Missing, not-a-file and too-large files get the
 * `model.*` codes of the regular-file check.
 */
export function readModelJsonFile(file: string, what: string, badJsonCode: string): unknown {
  const text = readRegularFileSync(file, { domain: 'model', subject: `${what} ${file}`, maxBytes: maxModelJsonFileBytes }).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    // Only the position: JSON.parse's own message quotes the start of the text, which may be any file's content.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new MiaError(
      badJsonCode,
      `${what} ${file} is not valid JSON${position === undefined ? '' : ` (the problem is at character ${position})`}.`,
      { file },
    );
  }
}
