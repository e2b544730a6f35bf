// Reads a manifest as strict UTF-8: a file in another encoding is refused with the line of the first bad byte,
// because a silently mis-decoded path or caption would point at the wrong image or text.
import { MiaError } from '../../common/errors';
import { readRegularFileSync } from '../../common/regular-file';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Largest manifest read (256 MiB). A manifest is read whole and decoded to one string, which takes about twice its
 * bytes; a million rows with paths, labels and long captions stay far below this, while a sparse or runaway file of
 * gigabytes is refused from its size (`dataset.file-too-large`) before a byte of it is read.
 */
export const maxManifestBytes = 256 * 1024 * 1024;

export function readUtf8Text(file: string, what: string): string {
  // `stat` first: a FIFO given a manifest's name would otherwise hang the import, a huge file exhaust memory.
  const bytes = readRegularFileSync(file, { domain: 'dataset', subject: `${what} ${file}`, maxBytes: maxManifestBytes });
  try {
    const text = decoder.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const { line, offset } = firstInvalidUtf8(bytes);
    throw new MiaError(
      'dataset.not-utf8',
      `${what} ${file} is not UTF-8 text: line ${line} (byte ${offset}) holds a byte sequence that is not valid UTF-8. Save the file as UTF-8 and import it again.`,
      { file, line, offset },
    );
  }
}

/** Finds the first byte where UTF-8 decoding fails, so the message can name a line. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; offset: number } {
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let extra: number;
    if (b < 0x80) extra = 0;
    else if (b >= 0xc2 && b <= 0xdf) extra = 1;
    else if (b >= 0xe0 && b <= 0xef) extra = 2;
    else if (b >= 0xf0 && b <= 0xf4) extra = 3;
    else return { line, offset: i };
    for (let k = 1; k <= extra; k += 1) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return { line, offset: i };
    }
    if (b === 0x0a) line += 1;
    i += extra + 1;
  }
  return { line, offset: i };
}
