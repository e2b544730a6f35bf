// Reads a file (gzip-compressed or not) as a sequence of exact-sized pieces without loading it whole, so a
// 47 MB IDX file or a CIFAR batch is walked with a few hundred kilobytes in memory.
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { openRegularFileSync } from '../../common/regular-file';

export class ByteStream {
  private readonly chunks: AsyncIterator<Buffer>;
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;

  private constructor(source: AsyncIterable<Buffer>) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  /**
   * Opens `file`, transparently un-gzipping it when it starts with the gzip magic bytes. It is opened through the
   * regular-file check, so a FIFO or device given a container's name is refused (`dataset.not-a-file`) instead of
   * hanging; `subject` names the file in that error ("IDX file /d/train-images-idx3-ubyte").
   */
  static open(file: string, subject: string): ByteStream {
    const { descriptor } = openRegularFileSync(file, { domain: 'dataset', subject });
    let gzip: boolean;
    try {
      gzip = isGzipDescriptor(descriptor);
    } catch (error) {
      fs.closeSync(descriptor);
      throw error;
    }
    // The stream owns the descriptor from here and closes it when it ends or is destroyed (`close`); `pipeline`
    // destroys the file stream with the gunzip stream, so a container closed early does not keep its descriptor.
    const raw = fs.createReadStream(file, { fd: descriptor, start: 0, highWaterMark: 256 * 1024 });
    return new ByteStream(gzip ? pipeline(raw, zlib.createGunzip(), () => {}) : raw);
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

/** Whether the open file starts with the gzip magic bytes (read at position 0, so the file position is untouched). */
export function isGzipDescriptor(descriptor: number): boolean {
  const head = Buffer.alloc(2);
  const read = fs.readSync(descriptor, head, 0, 2, 0);
  return read === 2 && head[0] === 0x1f && head[1] === 0x8b;
}
