// Reads a file (gzip-compressed or not) as a sequence of exact-sized pieces without loading it whole, so a
// 47 MB IDX file or a CIFAR batch is walked with a few hundred kilobytes in memory.
import fs from 'node:fs';
import zlib from 'node:zlib';

export class ByteStream {
  private readonly chunks: AsyncIterator<Buffer>;
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;

  private constructor(source: AsyncIterable<Buffer>) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  /** Opens `file`, transparently un-gzipping it when it starts with the gzip magic bytes. */
  static open(file: string): ByteStream {
    // Sniff first: it throws a clear error for a missing file before any stream exists whose 'error' event nobody
    // would be listening to yet.
    const gzip = isGzipFile(file);
    const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
    return new ByteStream(gzip ? raw.pipe(zlib.createGunzip()) : raw);
  }

  /** Exactly `size` bytes, or fewer (possibly none) if the stream ends first. */
  async read(size: number): Promise<Buffer> {
    const pieces: Buffer[] = [this.buffer];
    let have = this.buffer.length;
    while (have < size && !this.ended) {
      const next = await this.chunks.next();
      if (next.done) this.ended = true;
      else {
        pieces.push(next.value);
        have += next.value.length;
      }
    }
    const joined = pieces.length === 1 ? this.buffer : Buffer.concat(pieces, have);
    const take = Math.min(size, have);
    // Copy so the returned piece does not pin a whole read chunk once the caller keeps only a few records.
    const out = Buffer.from(joined.subarray(0, take));
    this.buffer = joined.subarray(take);
    return out;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    return (await this.read(1)).length === 0;
  }

  async close(): Promise<void> {
    await this.chunks.return?.();
  }
}

export function isGzipFile(file: string): boolean {
  const handle = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const read = fs.readSync(handle, head, 0, 2, 0);
    return read === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(handle);
  }
}
