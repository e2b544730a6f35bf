// A minimal read-only protobuf walker over a file on disk. It reads field keys, varints and lengths through a small
// window and skips every payload it is not asked about, so finding a few fields of a large ONNX model never reads
// its weights into memory.
import fs from 'node:fs';
import { openRegularFileSync } from '../../common/regular-file';

export const wireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

/** The bytes do not follow the protobuf wire format (or end too early); the message says where. */
export class ProtobufFormatError extends Error {}

export interface ProtobufField {
  readonly number: number;
  readonly wireType: number;
  /** A varint field's value; 0n for the other wire types. */
  readonly value: bigint;
  /** Where the payload lies in the file (length-delimited: the message or bytes; fixed: the 4 or 8 bytes). */
  readonly start: number;
  readonly end: number;
}

const windowBytes = 64 * 1024;

/** Random access to an open file through one cached window; `bytes` copies out small payloads such as strings. */
export class FileWindow {
  private readonly buffer = Buffer.alloc(windowBytes);
  private windowStart = 0;
  private windowEnd = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  byteAt(position: number): number {
    if (position < this.windowStart || position >= this.windowEnd) {
      const read = fs.readSync(this.fd, this.buffer, 0, windowBytes, position);
      this.windowStart = position;
      this.windowEnd = position + read;
      if (read === 0) throw new ProtobufFormatError(`the data ends at byte ${position}, inside a field`);
    }
    return this.buffer[position - this.windowStart] as number;
  }

  bytes(start: number, end: number): Buffer {
    const out = Buffer.alloc(end - start);
    const read = fs.readSync(this.fd, out, 0, out.length, start);
    if (read !== out.length) throw new ProtobufFormatError(`the data ends at byte ${start + read}, inside a field`);
    return out;
  }
}

function readVarint(source: FileWindow, position: number, end: number): { value: bigint; next: number } {
  let value = 0n;
  // A varint has at most 10 bytes (64 bits, 7 per byte).
  for (let index = 0; index < 10; index += 1) {
    if (position + index >= end) throw new ProtobufFormatError(`a varint at byte ${position} runs past the end of its message`);
    const byte = source.byteAt(position + index);
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if ((byte & 0x80) === 0) return { value, next: position + index + 1 };
  }
  throw new ProtobufFormatError(`the varint at byte ${position} is longer than 10 bytes`);
}

/** The fields of the message that occupies [start, end) of the file, in file order. */
export function* messageFields(source: FileWindow, start: number, end: number): Generator<ProtobufField> {
  let position = start;
  while (position < end) {
    const key = readVarint(source, position, end);
    const number = Number(key.value >> 3n);
    const type = Number(key.value & 7n);
    if (number === 0) throw new ProtobufFormatError(`field number 0 at byte ${position}`);
    position = key.next;
    switch (type) {
      case wireType.varint: {
        const { value, next } = readVarint(source, position, end);
        yield { number, wireType: type, value, start: position, end: next };
        position = next;
        break;
      }
      case wireType.fixed64:
      case wireType.fixed32: {
        const next = position + (type === wireType.fixed64 ? 8 : 4);
        if (next > end) throw new ProtobufFormatError(`field ${number} at byte ${position} runs past the end of its message`);
        yield { number, wireType: type, value: 0n, start: position, end: next };
        position = next;
        break;
      }
      case wireType.lengthDelimited: {
        const length = readVarint(source, position, end);
        const payloadEnd = length.next + Number(length.value);
        if (length.value > BigInt(end - length.next))
          throw new ProtobufFormatError(`field ${number} at byte ${position} claims more bytes than its message holds`);
        yield { number, wireType: type, value: 0n, start: length.next, end: payloadEnd };
        position = payloadEnd;
        break;
      }
      default:
        // Groups (3, 4) are obsolete and never used by ONNX; 6 and 7 do not exist.
        throw new ProtobufFormatError(`field ${number} at byte ${position} has wire type ${type}, which ONNX never uses`);
    }
  }
}

/**
 * Opens a model file read-only (through the regular-file check: a FIFO or device gets `model.not-a-file` instead of
 * blocking), hands its window to `use`, and closes it whatever happens.
 */
export function withFileWindow<T>(file: string, use: (source: FileWindow) => T): T {
  const { descriptor: fd, size } = openRegularFileSync(file, { domain: 'model', subject: `Model file ${file}` });
  try {
    return use(new FileWindow(fd, size));
  } finally {
    fs.closeSync(fd);
  }
}
