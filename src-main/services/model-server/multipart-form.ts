// A small, strict multipart/form-data parser for the image-variation endpoint: the boundary from Content-Type, each
// part's Content-Disposition name (and filename), bounded part counts and sizes, and a 400 naming what is wrong.
import { httpError } from './http-exchange';

export interface FormPart {
  readonly name: string;
  readonly filename: string | null;
  readonly contentType: string | null;
  readonly data: Buffer;
}

export interface FormLimits {
  /** Parts in one body. */
  readonly maxParts: number;
  /** Bytes of one part's headers. */
  readonly maxHeaderBytes: number;
  /** Bytes of a field without a filename (files are bounded by the body limit). */
  readonly maxFieldBytes: number;
}

export const defaultFormLimits: FormLimits = { maxParts: 16, maxHeaderBytes: 4096, maxFieldBytes: 1024 };

const bad = (message: string) => httpError(400, 'serve.bad-multipart', `multipart/form-data body: ${message}`);

/** The boundary of a `multipart/form-data; boundary=…` Content-Type (RFC 2046: 1–70 characters). */
export function formBoundary(contentType: string | undefined): string {
  const [type, ...parameters] = (contentType ?? '').split(';');
  if (type?.trim().toLowerCase() !== 'multipart/form-data') {
    throw httpError(400, 'serve.bad-content-type', `Content-Type must be multipart/form-data; got "${contentType ?? ''}".`);
  }
  for (const parameter of parameters) {
    const match = /^\s*boundary=(?:"([^"]{1,70})"|([^\s";]{1,70}))\s*$/i.exec(parameter);
    if (match) return (match[1] ?? match[2]) as string;
  }
  throw httpError(400, 'serve.bad-content-type', 'Content-Type multipart/form-data needs a boundary parameter of 1 to 70 characters.');
}

/** The parts of `body`, by name; a repeated name, a part without a name or anything after the close is refused. */
export function parseForm(body: Buffer, boundary: string, limits: FormLimits = defaultFormLimits): Map<string, FormPart> {
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  if (!body.subarray(0, opening.length).equals(opening)) throw bad(`it does not start with the boundary "--${boundary}".`);
  const parts = new Map<string, FormPart>();
  let position = opening.length;
  for (;;) {
    const after = body.subarray(position, position + 2).toString('latin1');
    if (after === '--') {
      // The close delimiter; only line breaks may follow.
      if (
        body
          .subarray(position + 2)
          .toString('latin1')
          .replace(/\r\n/g, '') !== ''
      )
        throw bad('there is data after the closing boundary.');
      return parts;
    }
    if (after !== '\r\n') throw bad('a boundary is not followed by a line break or "--".');
    if (parts.size >= limits.maxParts) throw bad(`it has more than ${limits.maxParts} parts.`);
    const headersStart = position + 2;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart, 'latin1');
    if (headersEnd < 0 || headersEnd - headersStart > limits.maxHeaderBytes) {
      throw bad(`part ${parts.size + 1} has no end of headers within ${limits.maxHeaderBytes} bytes.`);
    }
    const dataStart = headersEnd + 4;
    const dataEnd = body.indexOf(delimiter, dataStart);
    if (dataEnd < 0) throw bad(`part ${parts.size + 1} is not closed by the boundary (the body may be truncated).`);
    const part = partFrom(body.subarray(headersStart, headersEnd).toString('utf8'), body.subarray(dataStart, dataEnd), parts.size + 1);
    if (part.filename === null && part.data.length > limits.maxFieldBytes) {
      throw bad(`field "${part.name}" is over ${limits.maxFieldBytes} bytes.`);
    }
    if (parts.has(part.name)) throw bad(`field "${part.name}" appears twice.`);
    parts.set(part.name, part);
    position = dataEnd + delimiter.length;
  }
}

function partFrom(headerText: string, data: Buffer, index: number): FormPart {
  let name: string | null = null;
  let filename: string | null = null;
  let contentType: string | null = null;
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw bad(`part ${index} has a header line without a name: "${line.slice(0, 80)}".`);
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === 'content-type') contentType = value;
    if (header !== 'content-disposition') continue;
    const [kind, ...parameters] = value.split(';');
    if (kind?.trim().toLowerCase() !== 'form-data') throw bad(`part ${index}'s Content-Disposition is not form-data.`);
    for (const parameter of parameters) {
      const match = /^\s*(name|filename)="([^"]*)"\s*$/i.exec(parameter);
      if (!match) continue;
      if (match[1]!.toLowerCase() === 'name') name = match[2]!;
      else filename = match[2]!;
    }
  }
  if (!name) throw bad(`part ${index} has no Content-Disposition with a name="…".`);
  return { name, filename, contentType, data };
}
