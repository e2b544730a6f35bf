// A small, strict POSIX ustar archive writer and reader for files held in memory: the evidence bundle's container.
// Any tar tool opens what it writes (`tar -tf bundle.tar`). The reader accepts only what the writer produces: each
// header is rebuilt from the name, size and time it states and must be byte for byte the one in the file, padding
// and the two closing blocks must be zeros, and nothing may follow them. So a changed byte anywhere in the
// archive's structure is refused, naming the offset, and a changed byte in an entry changes that entry's bytes.
import { MiaError } from './errors';

export interface TarEntry {
  /** A relative path of lowercase letters, digits, dots, dashes, underscores and slashes; no `..`. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

const blockBytes = 512;
const maxNameBytes = 100;
/** Entry names the writer accepts and the reader expects: nothing a tar tool could extract outside its folder. */
const entryName = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/** The archive: one header and the padded content per entry, then two zero blocks (no further record padding). */
export function writeTar(entries: readonly TarEntry[], modifiedAt: Date): Buffer {
  const mtime = Math.floor(modifiedAt.getTime() / 1000);
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(tarHeader(entry.name, entry.bytes.length, mtime));
    parts.push(Buffer.from(entry.bytes), Buffer.alloc(paddingOf(entry.bytes.length)));
  }
  parts.push(Buffer.alloc(2 * blockBytes));
  return Buffer.concat(parts);
}

/** The entries of an archive `writeTar` wrote; anything else is refused with `archive.corrupt`, naming `file` and the offset. */
export function readTar(archive: Uint8Array, file: string): TarEntry[] {
  const bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const corrupt = (offset: number, what: string): MiaError =>
    new MiaError('archive.corrupt', `${file} is not an intact archive: ${what} (at byte ${offset}).`, { file, offset });
  const entries: TarEntry[] = [];
  let offset = 0;
  for (;;) {
    if (offset + blockBytes > bytes.length) throw corrupt(offset, 'it ends inside a header or before its closing blocks');
    const header = bytes.subarray(offset, offset + blockBytes);
    if (header.every((byte) => byte === 0)) break;
    const name = nulTerminated(header.subarray(0, maxNameBytes));
    const size = octalField(header.subarray(124, 136));
    const mtime = octalField(header.subarray(136, 148));
    if (name === null || size === null || mtime === null) throw corrupt(offset, 'a header has a malformed name, size or time');
    let expected: Buffer;
    try {
      expected = tarHeader(name, size, mtime);
    } catch {
      throw corrupt(offset, `the entry name "${name}" is not one this workbench writes`);
    }
    if (!expected.equals(header)) throw corrupt(offset, `the header of "${name}" was altered (its fields or checksum differ)`);
    const start = offset + blockBytes;
    const end = start + size;
    const padded = end + paddingOf(size);
    if (padded > bytes.length) throw corrupt(offset, `the entry "${name}" is cut off`);
    if (!bytes.subarray(end, padded).every((byte) => byte === 0)) throw corrupt(end, `the padding after "${name}" is not zeros`);
    entries.push({ name, bytes: bytes.subarray(start, end) });
    offset = padded;
  }
  const closing = offset + 2 * blockBytes;
  if (closing > bytes.length) throw corrupt(offset, 'it ends inside its closing blocks');
  const nonZero = bytes.subarray(offset, closing).findIndex((byte) => byte !== 0);
  if (nonZero >= 0) throw corrupt(offset + nonZero, 'its closing blocks are not zeros');
  if (closing !== bytes.length) throw corrupt(closing, `${bytes.length - closing} bytes follow its closing blocks`);
  return entries;
}

function tarHeader(name: string, size: number, mtime: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (!entryName.test(name) || name.split('/').includes('..') || nameBytes.length > maxNameBytes) {
    throw new MiaError(
      'archive.bad-name',
      `"${name}" cannot be an archive entry name: expected ${entryName.source}, at most ${maxNameBytes} bytes.`,
    );
  }
  const header = Buffer.alloc(blockBytes);
  nameBytes.copy(header, 0);
  header.write('0000644\0', 100, 'latin1'); // mode: rw-r--r--
  header.write('0000000\0', 108, 'latin1'); // uid
  header.write('0000000\0', 116, 'latin1'); // gid
  header.write(`${octal(size, 11)}\0`, 124, 'latin1');
  header.write(`${octal(mtime, 11)}\0`, 136, 'latin1');
  header.write('        ', 148, 'latin1'); // the checksum field counts as spaces while the checksum is summed
  header.write('0', 156, 'latin1'); // a regular file
  header.write('ustar\0' + '00', 257, 'latin1');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${octal(checksum, 6)}\0 `, 148, 'latin1');
  return header;
}

function octal(value: number, digits: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 8 ** digits) {
    throw new MiaError('archive.too-large', `${value} does not fit an archive header field of ${digits} octal digits.`);
  }
  return value.toString(8).padStart(digits, '0');
}

function octalField(field: Buffer): number | null {
  const text = field.toString('latin1');
  const match = /^([0-7]+)\0$/.exec(text);
  return match ? Number.parseInt(match[1]!, 8) : null;
}

function nulTerminated(field: Buffer): string | null {
  const end = field.indexOf(0);
  const name = field.subarray(0, end < 0 ? field.length : end).toString('utf8');
  return name.length > 0 ? name : null;
}

function paddingOf(size: number): number {
  return (blockBytes - (size % blockBytes)) % blockBytes;
}
